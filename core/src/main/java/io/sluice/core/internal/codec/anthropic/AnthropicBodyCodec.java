package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.codec.FinishReasons;
import io.sluice.core.internal.codec.JsonBodies;
import io.sluice.core.internal.codec.Retries;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Non-streaming bodies: a {@code message} response and the error body
 * {@code {"type":"error","error":{"type","message"},"request_id"}} (docs/wire-formats.md §c,
 * Errors).
 */
final class AnthropicBodyCodec {
  private AnthropicBodyCodec() {}

  static FinalMessage decodeResponse(byte[] body) {
    return JsonBodies.readText(body, "the response body", AnthropicBodyCodec::readResponse);
  }

  private static FinalMessage readResponse(JsonParser p, String json) throws IOException {
    String id = "";
    String model = "";
    String type = "";
    String stop = null;
    List<Part> parts = new ArrayList<>();
    long[] usage = AnthropicUsage.counts();
    AnthropicErrors.Wire error = new AnthropicErrors.Wire(null, null);
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "id" -> id = JsonFields.text(p, "");
        case "model" -> model = JsonFields.text(p, "");
        case "type" -> type = JsonFields.text(p, "");
        case "stop_reason" -> stop = JsonFields.string(p);
        case "content" -> {
          if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new CodecException("a message's 'content' must be an array");
          }
          parts = AnthropicContent.readBlocks(p, json);
        }
        case "usage" -> AnthropicUsage.read(p, usage);
        case "error" -> error = AnthropicErrors.read(p);
        default -> p.skipChildren();
      }
    }
    Usage u = AnthropicUsage.merge(AnthropicUsage.counts(), usage);
    if ("error".equals(type)) {
      Failed failed = AnthropicErrors.failure(error.type() == null ? "api_error" : error.type(),
          error.message() == null ? "" : error.message(), 0);
      return new FinalMessage(id, model, 0, List.of(), u, failed);
    }
    String raw = stop == null ? "" : stop;
    FinishReason reason = FinishReasons.fromAnthropic(raw);
    FinalMessage.Choice choice =
        new FinalMessage.Choice(0, new Message(Role.ASSISTANT, parts), reason, raw);
    return new FinalMessage(id, model, 0, List.of(choice), u, new Done(reason, raw));
  }

  static byte[] encodeResponse(FinalMessage message) {
    FinalMessage.Choice choice = message.choices().isEmpty() ? null : message.choices().get(0);
    String stop = choice == null ? "end_turn"
        : AnthropicStreamEncoder.STOP_REASONS.contains(choice.rawFinishReason())
            ? choice.rawFinishReason() : AnthropicStreamEncoder.stopReason(choice.finishReason());
    return new JsonOut().bytes(g -> {
      g.writeStringField("id", message.id());
      g.writeStringField("type", "message");
      g.writeStringField("role", "assistant");
      g.writeStringField("model", message.model());
      g.writeArrayFieldStart("content");
      for (Part part : message.message().parts()) {
        AnthropicContent.writePart(g, part);
      }
      g.writeEndArray();
      g.writeStringField("stop_reason", stop);
      g.writeNullField("stop_sequence");
      AnthropicStreamEncoder.writeUsage(g, message.usage());
    });
  }

  static Failed decodeError(int status, byte[] body) {
    String json = new String(body, StandardCharsets.UTF_8);
    AnthropicErrors.Wire error = new AnthropicErrors.Wire(null, null);
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      if (p.nextToken() == JsonToken.START_OBJECT && JsonFields.find(p, "error")) {
        error = AnthropicErrors.read(p);
      }
    } catch (IOException e) {
      // Not Anthropic's JSON (a proxy's HTML page, say): the status and an excerpt remain.
      error = new AnthropicErrors.Wire(null, null);
    }
    if (error.type() == null) {
      return new Failed(AnthropicErrors.typeOf(status), "",
          "HTTP " + status + (json.isBlank() ? "" : ": " + StreamDecoder.excerpt(json)), status,
          Retries.retryableStatus(status));
    }
    return new Failed(error.type(), "", error.message() == null ? "" : error.message(), status,
        Retries.retryableStatus(status));
  }

  static byte[] encodeError(Failed failure) {
    // sluice's own failure types are not Anthropic's: a client maps error.type, so send the
    // type of the status (api_error when unknown) and keep the detail in the message.
    String type = AnthropicErrors.statusOf(failure.type()) != 0 ? failure.type()
        : AnthropicErrors.typeOf(failure.httpStatus());
    String message = type.equals(failure.type()) ? failure.message()
        : failure.type() + ": " + failure.message();
    return new JsonOut().bytes(g -> {
      g.writeStringField("type", "error");
      g.writeObjectFieldStart("error");
      g.writeStringField("type", type);
      g.writeStringField("message", message);
      g.writeEndObject();
    });
  }
}
