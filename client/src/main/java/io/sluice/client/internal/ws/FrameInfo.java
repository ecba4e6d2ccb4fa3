package io.sluice.client.internal.ws;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * What the session needs to know of a server message before the decoder reads it: its type and,
 * for an error, its code. The message's JSON itself goes to the decoder untouched.
 *
 * @param type the top-level {@code type}, or empty
 * @param errorCode the code of an {@code error} event ({@code error.code} or flat {@code code}) or
 *     of a {@code response.failed} ({@code response.error.code}), or empty
 */
record FrameInfo(String type, String errorCode) {

  static FrameInfo read(String json) {
    String type = "";
    String code = "";
    try (JsonParser p = CreateMessage.JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new FrameInfo("", "");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("type") && value == JsonToken.VALUE_STRING) {
          type = p.getText();
        } else if (name.equals("code") && value == JsonToken.VALUE_STRING) {
          code = p.getText();
        } else if ((name.equals("error") || name.equals("response"))
            && value == JsonToken.START_OBJECT) {
          String inner = nestedCode(p, name.equals("response"));
          if (!inner.isEmpty()) {
            code = inner;
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      // Not JSON: the decoder reports it as a malformed event.
    }
    return new FrameInfo(type, code);
  }

  /** {@code error.code}, or {@code response.error.code} when {@code inResponse}. */
  private static String nestedCode(JsonParser p, boolean inResponse) throws IOException {
    String code = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (!inResponse && name.equals("code") && value == JsonToken.VALUE_STRING) {
        code = p.getText();
      } else if (inResponse && name.equals("error") && value == JsonToken.START_OBJECT) {
        code = nestedCode(p, false);
      } else {
        p.skipChildren();
      }
    }
    return code;
  }

  /** Terminal events: the three of the spec and {@code response.done} (Codex backend). */
  boolean terminal() {
    switch (type) {
      case "response.completed", "response.failed", "response.incomplete", "response.done",
          "error":
        return true;
      default:
        return false;
    }
  }

  /** The message with its top-level {@code type} replaced (the rest copied token by token). */
  static String retyped(String json, String type) {
    java.io.StringWriter out = new java.io.StringWriter(json.length() + 8);
    try (JsonParser p = CreateMessage.JSON.createParser(json);
        com.fasterxml.jackson.core.JsonGenerator g = CreateMessage.JSON.createGenerator(out)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return json;
      }
      g.writeStartObject();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        g.writeFieldName(name);
        if (name.equals("type")) {
          g.writeString(type);
        } else {
          g.copyCurrentStructure(p);
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      return json; // the decoder reports what is wrong with it
    }
    return out.toString();
  }
}
