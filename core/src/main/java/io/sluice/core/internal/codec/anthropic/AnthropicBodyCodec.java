package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.codec.FinishReasons;
import io.sluice.core.internal.codec.Retries;
import io.sluice.core.internal.json.JsonChecks;
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
    String json = new String(body, StandardCharsets.UTF_8);
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new CodecException("the response body must be a JSON object");
      }
      String id = "";
      String model = "";
      String type = "";
      String stop = null;
      List<Part> parts = new ArrayList<>();
      long[] usage = new long[5];
      String errorType = null;
      String errorMessage = "";
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "id":
            id = p.getValueAsString("");
            break;
          case "model":
            model = p.getValueAsString("");
            break;
          case "type":
            type = p.getValueAsString("");
            break;
          case "stop_reason":
            stop = t == JsonToken.VALUE_STRING ? p.getText() : null;
            break;
          case "content":
            if (t != JsonToken.START_ARRAY) {
              throw new CodecException("a message's 'content' must be an array");
            }
            parts = AnthropicContent.readBlocks(p, json);
            break;
          case "usage":
            readUsage(p, t, usage);
            break;
          case "error":
            if (t == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                if ("type".equals(f)) {
                  errorType = p.getValueAsString("");
                } else if ("message".equals(f)) {
                  errorMessage = p.getValueAsString("");
                } else {
                  p.skipChildren();
                }
              }
            } else {
              p.skipChildren();
            }
            break;
          default:
            p.skipChildren();
            break;
        }
      }
      Usage u = Usage.of(usage[0] + usage[2] + usage[3], usage[1], usage[2], usage[3], usage[4]);
      if ("error".equals(type)) {
        Failed failed = AnthropicErrors.failure(errorType == null ? "api_error" : errorType,
            errorMessage, 0);
        return new FinalMessage(id, model, 0, List.of(), u, failed);
      }
      String raw = stop == null ? "" : stop;
      FinishReason reason = FinishReasons.fromAnthropic(raw);
      FinalMessage.Choice choice =
          new FinalMessage.Choice(0, new Message(Role.ASSISTANT, parts), reason, raw);
      return new FinalMessage(id, model, 0, List.of(choice), u, new Done(reason, raw));
    } catch (JsonProcessingException e) {
      throw new CodecException("the response body is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CodecException("the response body could not be read: " + e.getMessage(), e);
    }
  }

  /** input, output, cache read, cache write, thinking. */
  private static void readUsage(JsonParser p, JsonToken t, long[] out) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      long n = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 0;
      switch (field) {
        case "input_tokens":
          out[0] = n;
          break;
        case "output_tokens":
          out[1] = n;
          break;
        case "cache_read_input_tokens":
          out[2] = n;
          break;
        case "cache_creation_input_tokens":
          out[3] = n;
          break;
        case "output_tokens_details":
          while (v == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            JsonToken iv = p.nextToken();
            if ("thinking_tokens".equals(inner) && iv == JsonToken.VALUE_NUMBER_INT) {
              out[4] = p.getLongValue();
            } else {
              p.skipChildren();
            }
          }
          if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
          break;
      }
    }
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
    String type = null;
    String message = null;
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken t = p.nextToken();
          if ("error".equals(field) && t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              p.nextToken();
              if ("type".equals(f)) {
                type = p.getValueAsString();
              } else if ("message".equals(f)) {
                message = p.getValueAsString();
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
      }
    } catch (IOException e) {
      // Not Anthropic's JSON (a proxy's HTML page, say): the status and an excerpt remain.
      type = null;
    }
    if (type == null) {
      type = AnthropicErrors.typeOf(status);
      message = "HTTP " + status + (json.isBlank() ? "" : ": " + StreamDecoder.excerpt(json));
    }
    return new Failed(type, "", message == null ? "" : message, status,
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
