package io.sluice.core.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.io.StringWriter;

/**
 * Reads one value of another parser while writing it out as {@link JsonChecks#copyToString}
 * would, so that a reader that keeps a value's JSON and also reads fields from it does one pass,
 * not a copy and a parse of the copy. Every token the reader steps over, skipped ones included,
 * is copied; a number's text reads as it was written in the copy.
 *
 * <pre>{@code
 * CopyingParser q = new CopyingParser(p); // p on the value's first token
 * ... read q to the value's end ...
 * String json = q.copy();
 * }</pre>
 */
public final class CopyingParser extends JsonParserDelegate {

  private final StringWriter out = new StringWriter(64);
  private final JsonGenerator copy;

  /** Starts copying at {@code p}'s current token, the first of the value. */
  public CopyingParser(JsonParser p) throws IOException {
    super(p);
    copy = JsonChecks.FACTORY.createGenerator(out);
    copy.copyCurrentEvent(p);
  }

  @Override
  public JsonToken nextToken() throws IOException {
    JsonToken t = delegate.nextToken();
    if (t != null) {
      copy.copyCurrentEvent(delegate);
    }
    return t;
  }

  /** Skips the current object or array as the parser does, copying it. */
  @Override
  public JsonParser skipChildren() throws IOException {
    JsonToken t = currentToken();
    if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
      return this;
    }
    int open = 1;
    while (open > 0) {
      t = nextToken();
      if (t == null) {
        return this;
      }
      if (t.isStructStart()) {
        open++;
      } else if (t.isStructEnd()) {
        open--;
      }
    }
    return this;
  }

  /**
   * A number's text as the copy has it (the copy may spell it differently from the input:
   * {@code 1.50} is written {@code 1.5}), so that what is read equals what a parse of the copy
   * reads; any other token's text is the parser's.
   */
  @Override
  public String getText() throws IOException {
    JsonToken t = currentToken();
    if (t == null || !t.isNumeric()) {
      return delegate.getText();
    }
    copy.flush();
    StringBuffer written = out.getBuffer();
    int end = written.length();
    int start = end;
    while (start > 0 && isNumberChar(written.charAt(start - 1))) {
      start--;
    }
    return written.substring(start, end);
  }

  private static boolean isNumberChar(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  }

  /** The value's JSON, compact, once the reader has reached its end. */
  public String copy() throws IOException {
    copy.close();
    return out.toString();
  }
}
