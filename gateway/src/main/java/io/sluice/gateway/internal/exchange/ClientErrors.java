package io.sluice.gateway.internal.exchange;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.codec.EncoderOptions;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.sse.SseWriter;
import io.sluice.gateway.internal.server.FrontDoor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Errors told to a client in its own format: as a JSON body, or as a stream's last event. */
public final class ClientErrors {
  private static final JsonFactory JSON = new JsonFactory();

  private ClientErrors() {}

  /** The OpenAI error {@code type} (Anthropic's is derived by its codec from the status). */
  public static String typeFor(int status) {
    switch (status) {
      case 400: return "invalid_request_error";
      case 401: return "authentication_error";
      case 403: return "permission_error";
      case 404: return "not_found_error";
      case 413: return "request_too_large";
      case 429: return "rate_limit_error";
      case 504: return "timeout_error";
      default: return status >= 500 ? "api_error" : "invalid_request_error";
    }
  }

  public static Failed failure(int status, String message) {
    return new Failed(typeFor(status), "", message, status, false);
  }

  /** Ends {@code response} with {@code failure} as a JSON error body of {@code door}'s format. */
  public static void respond(HttpServerResponse response, FrontDoor door, Failed failure) {
    if (response.ended() || response.closed()) {
      return;
    }
    byte[] body = door.codec().encodeError(failure);
    response.setStatusCode(failure.httpStatus() > 0 ? failure.httpStatus() : 502);
    response.headers().set("Content-Type", "application/json");
    response.end(Buffer.buffer(body));
  }

  /**
   * The in-stream terminal error for a pass-through, whose events the gateway did not encode
   * itself: Chat's last chunk with {@code finish_reason: "error"} then {@code [DONE]}, Anthropic's
   * {@code error} event, Responses' {@code response.failed}.
   */
  static Buffer terminalEvent(WireFormat format, Failed failure, String id, String model) {
    Buffer out = Buffer.buffer();
    SseWriter writer = SseWriter.create((b, off, len) -> out.appendBytes(b, off, len));
    switch (format) {
      case OPENAI_CHAT: {
        var encoder = WireCodec.of(format).encoder(writer, EncoderOptions.DEFAULTS.withoutUsage());
        encoder.encode(new ResponseStarted(id, model, System.currentTimeMillis() / 1000, ""));
        encoder.encode(failure);
        break;
      }
      case ANTHROPIC_MESSAGES:
        writer.event("error", json(g -> {
          g.writeStringField("type", "error");
          g.writeObjectFieldStart("error");
          g.writeStringField("type", anthropicType(failure));
          g.writeStringField("message", failure.message());
          g.writeEndObject();
        }));
        break;
      case OPENAI_RESPONSES:
      default:
        writer.event("response.failed", json(g -> {
          g.writeStringField("type", "response.failed");
          g.writeObjectFieldStart("response");
          g.writeStringField("id", id);
          g.writeStringField("object", "response");
          g.writeNumberField("created_at", System.currentTimeMillis() / 1000);
          g.writeStringField("status", "failed");
          g.writeStringField("model", model);
          g.writeArrayFieldStart("output");
          g.writeEndArray();
          g.writeObjectFieldStart("error");
          g.writeStringField("code", "server_error");
          g.writeStringField("message", failure.message());
          g.writeEndObject();
          g.writeEndObject();
        }));
        break;
    }
    return out;
  }

  private static String anthropicType(Failed f) {
    if (f.type().endsWith("_error")) {
      return f.type();
    }
    return f.httpStatus() == 529 ? "overloaded_error" : "api_error";
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String json(Fields fields) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
