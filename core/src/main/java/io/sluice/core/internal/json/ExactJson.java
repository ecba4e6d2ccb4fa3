package io.sluice.core.internal.json;

import io.sluice.core.internal.sse.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cursor over a UTF-8 JSON payload for the decoders' fast paths: it matches the payload against
 * the exact bytes that providers send for their most frequent events (compact JSON, keys in their
 * usual order), and reads the few values such events carry. It answers only "matched" or "not
 * this shape": anything it does not read exactly as Jackson would (whitespace between tokens, a
 * {@code \\u} escape, a control character, UTF-8 that is not well-formed, an integer Jackson would
 * reject, a string past the parser's length limit) is "not this shape", and the caller then reads
 * the payload with Jackson, which gives the same fields or the same error as before. So a fast
 * path changes only how fast a payload is read, never what it reads as.
 *
 * <p>One instance per decoder, reused for every event; it keeps no reference to a payload once
 * {@link #reset} points it at the next.
 */
public final class ExactJson {

  private static final int MAX_STRING_CHARS =
      JsonChecks.FACTORY.streamReadConstraints().getMaxStringLength();

  private static final byte[] NULL = bytes("null");

  private byte[] b;
  private int start;
  private int pos;
  private int end;
  private char[] chars = new char[64];
  private int nameFrom;
  private int nameLength;

  /** Starts matching {@code [offset, offset + length)} of {@code data}. */
  public void reset(byte[] data, int offset, int length) {
    b = data;
    start = offset;
    pos = offset;
    end = offset + length;
  }

  /** The position, as a byte offset from the payload's first byte (Jackson's byte offsets). */
  public int offset() {
    return pos - start;
  }

  /** Whether the next bytes are {@code ascii} (JSON punctuation and keys); if so, moves past. */
  public boolean literal(byte[] ascii) {
    if (!at(ascii)) {
      return false;
    }
    pos += ascii.length;
    return true;
  }

  /**
   * Whether the next bytes are the first {@code length} of {@code bytes} (bytes of an earlier
   * payload, compared as a whole); if so, moves past them.
   */
  public boolean literal(byte[] bytes, int length) {
    if (end - pos < length || !Arrays.equals(b, pos, pos + length, bytes, 0, length)) {
      return false;
    }
    pos += length;
    return true;
  }

  /** Copies the payload's bytes from its start to the cursor into {@code to}, if they fit. */
  public int copyConsumed(byte[] to) {
    int n = pos - start;
    if (n > to.length) {
      return -1;
    }
    System.arraycopy(b, start, to, 0, n);
    return n;
  }

  /** Whether the next byte is {@code c}; if so, moves past it. */
  public boolean literal(char c) {
    if (pos < end && b[pos] == c) {
      pos++;
      return true;
    }
    return false;
  }

  /** Whether the next bytes are {@code ascii}, without moving. */
  public boolean at(byte[] ascii) {
    int n = ascii.length;
    if (end - pos < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (b[pos + i] != ascii[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * A JSON string (the cursor on its opening quote) equal to one of {@code known}: that instance,
   * the cursor past the closing quote; null, the cursor unmoved, for any other string.
   */
  public String known(KnownStrings known) {
    if (pos >= end || b[pos] != '"') {
      return null;
    }
    int from = pos + 1;
    int close = from;
    while (close < end && b[close] != '"') {
      if (b[close] == '\\') {
        return null; // the known strings hold no escapes
      }
      close++;
    }
    if (close == end) {
      return null;
    }
    String found = known.find(b, from, close - from);
    if (found != null) {
      pos = close + 1;
    }
    return found;
  }

  /**
   * A non-negative JSON integer that fits in an int (at most nine digits, no leading zero), the
   * cursor past it; -1, the cursor unmoved, for anything else.
   */
  public int smallInt() {
    return (int) unsigned(9);
  }

  /**
   * A non-negative JSON integer of at most 18 digits (no leading zero), the cursor past it; -1,
   * the cursor unmoved, for anything else.
   */
  public long longValue() {
    return unsigned(18);
  }

  /** An integer token of at most {@code maxDigits} digits (≤ 18, so it cannot overflow). */
  private long unsigned(int maxDigits) {
    int i = pos;
    long value = 0;
    while (i < end && i - pos <= maxDigits) {
      int digit = b[i] - '0';
      if (digit < 0 || digit > 9) {
        break;
      }
      value = value * 10 + digit;
      i++;
    }
    int digits = i - pos;
    if (digits == 0 || digits > maxDigits || (digits > 1 && b[pos] == '0')) {
      return -1;
    }
    if (i < end && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
      return -1; // a fraction or exponent: not an int token
    }
    pos = i;
    return value;
  }

  /** Whether a JSON {@code null} follows; if so, moves past it. */
  public boolean nullValue() {
    return literal(NULL);
  }

  /**
   * A JSON string (the cursor on its opening quote) as Jackson would decode it, the cursor past
   * the closing quote; null, the cursor unmoved, for a string this cursor leaves to Jackson: one
   * with a {@code \\u} escape or any other it does not know, a raw control character, UTF-8 that
   * is not well-formed, or one longer than the parser's string limit.
   */
  public String string() {
    if (pos >= end || b[pos] != '"') {
      return null;
    }
    int from = pos + 1;
    int i = from;
    boolean escaped = false;
    boolean ascii = true;
    for (; i < end; i++) {
      byte c = b[i];
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        escaped = true;
        i++; // the escaped byte is checked when the string is decoded
      } else if (c < 0x20) {
        if (c >= 0) {
          return null; // a raw control character: Jackson's error to report
        }
        ascii = false;
      }
    }
    if (i >= end) {
      return null;
    }
    int length = i - from;
    if (length > MAX_STRING_CHARS) {
      return null;
    }
    String value;
    if (!escaped) {
      if (ascii) {
        value = new String(b, from, length, StandardCharsets.ISO_8859_1);
      } else if (Utf8.isWellFormed(b, from, length)) {
        value = new String(b, from, length, StandardCharsets.UTF_8);
      } else {
        return null;
      }
    } else if (ascii || Utf8.isWellFormed(b, from, length)) {
      value = unescape(from, i);
      if (value == null) {
        return null;
      }
    } else {
      return null;
    }
    pos = i + 1;
    return value;
  }

  /**
   * Whether a JSON string follows that {@link #string()} would read; if so, moves past it
   * without making it.
   */
  public boolean skipString() {
    if (pos >= end || b[pos] != '"') {
      return false;
    }
    int from = pos + 1;
    int i = from;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        pos = i + 1;
        return true;
      }
      if (c < 0x20 || c == '\\') {
        break; // non-ASCII, an escape or a control character: string() decides
      }
      i++;
    }
    return string() != null;
  }

  /**
   * A field name of ASCII letters, digits and underscores and its colon, the cursor after the
   * colon; false, the cursor unmoved, for any other name. The name is then at
   * {@link #nameMatches}.
   */
  public boolean name() {
    if (pos >= end || b[pos] != '"') {
      return false;
    }
    int i = pos + 1;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        break;
      }
      if (!(c >= 'a' && c <= 'z' || c == '_' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z')) {
        return false;
      }
      i++;
    }
    if (i + 1 >= end || b[i + 1] != ':') {
      return false;
    }
    nameFrom = pos + 1;
    nameLength = i - nameFrom;
    pos = i + 2;
    return true;
  }

  /** Whether the name {@link #name()} read last is {@code ascii}. */
  public boolean nameMatches(byte[] ascii) {
    if (ascii.length != nameLength) {
      return false;
    }
    for (int i = 0; i < nameLength; i++) {
      if (b[nameFrom + i] != ascii[i]) {
        return false;
      }
    }
    return true;
  }

  /** The length of the name {@link #name()} read last. */
  public int nameLength() {
    return nameLength;
  }

  /**
   * A string equal to {@code previous} (may be null) is that instance, as
   * {@link JsonFields#repeated}; otherwise as {@link #string()}.
   */
  public String repeated(String previous) {
    if (previous != null && pos < end && b[pos] == '"') {
      int n = previous.length();
      int close = pos + 1 + n;
      if (close < end && b[close] == '"') {
        boolean same = true;
        for (int i = 0; i < n; i++) {
          char c = previous.charAt(i);
          byte x = b[pos + 1 + i];
          if (c != x || c == '\\' || c == '"' || c < 0x20) {
            same = false;
            break;
          }
        }
        if (same) {
          pos = close + 1;
          return previous;
        }
      }
    }
    return string();
  }

  /** Decodes well-formed UTF-8 with JSON escapes; null at an escape left to Jackson. */
  private String unescape(int from, int to) {
    if (chars.length < to - from) {
      chars = new char[Math.max(to - from, chars.length * 2)];
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      int c = b[i] & 0xFF;
      if (c == '\\') {
        char e = switch (b[++i]) {
          case '"' -> '"';
          case '\\' -> '\\';
          case '/' -> '/';
          case 'n' -> '\n';
          case 't' -> '\t';
          case 'r' -> '\r';
          case 'b' -> '\b';
          case 'f' -> '\f';
          default -> 0; // \\u, or an escape Jackson rejects: left to Jackson
        };
        if (e == 0) {
          return null;
        }
        chars[n++] = e;
      } else if (c < 0x80) {
        chars[n++] = (char) c;
      } else if (c < 0xE0) {
        chars[n++] = (char) ((c & 0x1F) << 6 | b[++i] & 0x3F);
      } else if (c < 0xF0) {
        chars[n++] = (char) ((c & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | b[i + 2] & 0x3F);
        i += 2;
      } else {
        int cp = (c & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6
            | b[i + 3] & 0x3F;
        chars[n++] = Character.highSurrogate(cp);
        chars[n++] = Character.lowSurrogate(cp);
        i += 3;
      }
    }
    return new String(chars, 0, n);
  }

  /** Whether only JSON whitespace is left, as Jackson allows after the root value. */
  public boolean atEnd() {
    for (int i = pos; i < end; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return false;
      }
    }
    return true;
  }

  /** Bytes for {@link #literal(byte[])}: an ASCII string's bytes. */
  public static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }
}
