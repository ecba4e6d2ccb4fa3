package io.sluice.core.internal.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * How every codec walks a JSON object with the streaming parser:
 *
 * <pre>{@code
 * while (JsonFields.next(p)) {
 *   switch (p.currentName()) {
 *     case "id" -> id = JsonFields.string(p);
 *     default -> p.skipChildren();
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #next} leaves the parser on the field's value, so {@code currentName()} is the field
 * and {@code currentToken()} the value's first token. A value a reader does not use is skipped
 * whole with {@code skipChildren()}, so a nested object never reads as fields of its parent.
 */
public final class JsonFields {
  private JsonFields() {}

  /**
   * Steps onto the value of the current object's next field; false on the object's end. The
   * parser must be on the object's START_OBJECT or on the end of the previous field's value.
   */
  public static boolean next(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.FIELD_NAME) {
      return false;
    }
    p.nextToken();
    return true;
  }

  /**
   * Steps onto the value of the current object's first field named {@code name}, skipping the
   * fields before it; false, the parser on the object's end, when there is none.
   */
  public static boolean find(JsonParser p, String name) throws IOException {
    while (next(p)) {
      if (name.equals(p.currentName())) {
        return true;
      }
      p.skipChildren();
    }
    return false;
  }

  /**
   * The string field {@code name} of the current value, an object (the last such field if it is
   * repeated); null when it has none or is no object. The parser ends on the value's end.
   */
  public static String stringField(JsonParser p, String name) throws IOException {
    String value = null;
    if (isObject(p)) {
      while (next(p)) {
        if (name.equals(p.currentName()) && p.currentToken() == JsonToken.VALUE_STRING) {
          value = p.getText();
        } else {
          p.skipChildren();
        }
      }
    }
    return value;
  }

  /** Whether the current value is an object to read; any other value is skipped. */
  public static boolean isObject(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.START_OBJECT) {
      return true;
    }
    p.skipChildren();
    return false;
  }

  /** Whether the current value is an array to read; any other value is skipped. */
  public static boolean isArray(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.START_ARRAY) {
      return true;
    }
    p.skipChildren();
    return false;
  }

  /** The current value if it is a string; null for any other value, which is skipped. */
  public static String string(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /**
   * As {@link #string(JsonParser)}, but a value equal to one of {@code known} is that instance:
   * for values that most events repeat, such as their type, no new {@code String} is made.
   */
  public static String string(JsonParser p, KnownStrings known) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      char[] chars = p.getTextCharacters();
      int offset = p.getTextOffset();
      int length = p.getTextLength();
      String found = known.find(chars, offset, length);
      return found != null ? found : new String(chars, offset, length);
    }
    p.skipChildren();
    return null;
  }

  /**
   * As {@link #string(JsonParser)}, but a value equal to {@code previous} (may be null) is that
   * instance: for a value that events repeat, such as the id of the item they add to.
   */
  public static String repeated(JsonParser p, String previous) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING && previous != null) {
      char[] chars = p.getTextCharacters();
      int offset = p.getTextOffset();
      int length = p.getTextLength();
      return KnownStrings.matches(previous, chars, offset, length) ? previous
          : new String(chars, offset, length);
    }
    return string(p);
  }

  /**
   * The current value's text if it is a string, number or boolean; {@code otherwise} for null, an
   * object or an array, which is skipped.
   */
  public static String text(JsonParser p, String otherwise) throws IOException {
    String text = p.getValueAsString(otherwise);
    p.skipChildren();
    return text;
  }

  /** The current value if it is an integer; {@code otherwise} for any other, which is skipped. */
  public static long integer(JsonParser p, long otherwise) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    p.skipChildren();
    return otherwise;
  }

  /**
   * The current value if it is a number, a fraction cut to its whole part; {@code otherwise} for
   * any other value, which is skipped.
   */
  public static long number(JsonParser p, long otherwise) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      return (long) p.getDoubleValue();
    }
    p.skipChildren();
    return otherwise;
  }

  /**
   * The current value's text as it stands in {@code json}, the text the parser reads (character
   * offsets); the parser moves to the value's end. Keeps a provider's own spelling of a value
   * that is passed through.
   */
  public static String raw(JsonParser p, String json) throws IOException {
    int from = (int) p.currentTokenLocation().getCharOffset();
    p.skipChildren();
    return json.substring(from, (int) p.currentLocation().getCharOffset());
  }
}
