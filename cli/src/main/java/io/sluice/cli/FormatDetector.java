package io.sluice.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.sse.SseEvent;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/** Tells the wire format from one event's payload, when that event says enough. */
final class FormatDetector {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> ANTHROPIC_TYPES = Set.of("message_start", "content_block_start",
      "content_block_delta", "content_block_stop", "message_delta", "message_stop", "ping");

  private FormatDetector() {}

  static Optional<WireFormat> detect(SseEvent event) {
    String object = "";
    String type = event.name();
    boolean choices = false;
    boolean error = false;
    boolean nestedError = false;
    try (JsonParser p = JSON.createParser(event.data())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "object":
            object = value == JsonToken.VALUE_STRING ? p.getText() : "";
            break;
          case "type":
            type = value == JsonToken.VALUE_STRING ? p.getText() : type;
            break;
          case "choices":
            choices = true;
            break;
          case "error":
            error = true;
            nestedError = value == JsonToken.START_OBJECT;
            break;
          default:
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      return Optional.empty(); // Not JSON: the next event may say more.
    }
    if (object.startsWith("chat.completion") || choices) {
      return Optional.of(WireFormat.OPENAI_CHAT);
    }
    if (type.startsWith("response.")) {
      return Optional.of(WireFormat.OPENAI_RESPONSES);
    }
    if (ANTHROPIC_TYPES.contains(type)) {
      return Optional.of(WireFormat.ANTHROPIC_MESSAGES);
    }
    if (type.equals("error")) {
      // Anthropic nests {"type":"error","error":{...}}; a flat error is the Responses shape.
      return Optional.of(nestedError ? WireFormat.ANTHROPIC_MESSAGES : WireFormat.OPENAI_RESPONSES);
    }
    if (error) {
      return Optional.of(WireFormat.OPENAI_CHAT);
    }
    return Optional.empty();
  }
}
