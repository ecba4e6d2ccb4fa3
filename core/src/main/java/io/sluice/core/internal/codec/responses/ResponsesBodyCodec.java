package io.sluice.core.internal.codec.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.codec.JsonBodies;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Non-streaming bodies: a response object ↔ {@link FinalMessage}, and error bodies
 * ({@code {"error":{"message","type","param","code"}}}) ↔ {@link Failed}.
 */
final class ResponsesBodyCodec {
  private ResponsesBodyCodec() {}

  static FinalMessage decodeResponse(byte[] body) {
    ResponsesJson.Response r =
        JsonBodies.readObject(body, "the response body", ResponsesJson::readResponse);
    List<Part> parts = new ArrayList<>();
    boolean tools = false;
    for (ResponsesJson.Item item : r.output) {
      ResponsesItems.toParts(item, parts);
      tools |= item.isToolCall();
    }
    StreamEvent.Terminal outcome;
    FinishReason reason;
    String raw;
    if ("failed".equals(r.status) || r.error != null) {
      ResponsesJson.Error e = r.error != null ? r.error
          : new ResponsesJson.Error("", "", "the response failed", "", 0);
      outcome = ResponsesErrors.of(e, 0, "response_failed");
      reason = FinishReason.ERROR;
      raw = "";
    } else if ("incomplete".equals(r.status) || !r.incompleteReason.isEmpty()) {
      raw = r.incompleteReason;
      reason = switch (raw) {
        case "max_output_tokens" -> FinishReason.LENGTH;
        case "content_filter" -> FinishReason.CONTENT_FILTER;
        default -> FinishReason.STOP;
      };
      outcome = new Done(reason, raw);
    } else {
      reason = tools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
      raw = r.status.isEmpty() ? "completed" : r.status;
      outcome = new Done(reason, raw);
    }
    Message message = new Message(Role.ASSISTANT, parts);
    return new FinalMessage(r.id, r.model, r.createdAt,
        List.of(new FinalMessage.Choice(0, message, reason, raw)),
        r.usage == null ? Usage.ZERO : r.usage, outcome);
  }

  static byte[] encodeResponse(FinalMessage m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(out)) {
      List<ResponsesItems.Out> items = ResponsesItems.fromParts(m.message().parts(),
          m.id() + "_");
      String status = "completed";
      String incomplete = "";
      Failed error = null;
      if (m.outcome() instanceof Failed f) {
        status = "failed";
        error = f;
      } else if (m.outcome() instanceof Done d && (d.reason() == FinishReason.LENGTH
          || d.reason() == FinishReason.CONTENT_FILTER)) {
        status = "incomplete";
        incomplete = d.reason() == FinishReason.LENGTH ? "max_output_tokens" : "content_filter";
      }
      ResponseObjectWriter.write(g, m.id(), m.created(), m.model(), status, items, m.usage(),
          incomplete, error);
    } catch (IOException e) {
      throw new CodecException("could not write the response body: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  static Failed decodeError(int status, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    try (JsonParser p = JsonChecks.FACTORY.createParser(body)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (JsonFields.find(p, "error")) {
          if (p.currentToken() == JsonToken.START_OBJECT) {
            return ResponsesErrors.of(ResponsesJson.readError(p), status, "http_" + status);
          }
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      // Not JSON (a proxy's HTML page, …): the body's start is the message.
    }
    String message = text.isBlank() ? "HTTP " + status : StreamDecoder.excerpt(text.strip());
    return new Failed("http_" + status, "", message, status,
        ResponsesErrors.retryable(status, "", ""));
  }
}
