package io.sluice.core.sse;

import java.util.Arrays;

/**
 * Writes Server-Sent Events as UTF-8 to a {@link Sink}, one {@code write} per event, so that a
 * transport can flush each event as it is produced. Strings are encoded straight into one reused
 * buffer: beyond the payload itself, writing an event allocates nothing.
 *
 * <p>A data value is split at CR, LF and CRLF into several {@code data:} lines, which a reader
 * joins back with LF. An event name or id may not contain a line break (nor an id U+0000): it could
 * not be read back, so it is rejected with {@link IllegalArgumentException}. Not thread-safe.
 */
public final class SseWriter {

  /** Where the encoded bytes go. The array is reused after the call returns: copy what you keep. */
  @FunctionalInterface
  public interface Sink {
    /**
     * Takes encoded bytes.
     *
     * @param bytes the array
     * @param offset where the bytes start
     * @param length how many
     */
    void write(byte[] bytes, int offset, int length);
  }

  private final Sink sink;
  private byte[] buffer = new byte[512];
  private int length;

  private SseWriter(Sink sink) {
    this.sink = sink;
  }

  /**
   * A writer to {@code sink}.
   *
   * @param sink receives the encoded bytes
   * @return the writer
   */
  public static SseWriter create(Sink sink) {
    if (sink == null) {
      throw new NullPointerException("sink");
    }
    return new SseWriter(sink);
  }

  /** A data-only event. */
  public SseWriter data(String data) {
    return event("", data, "");
  }

  /** A named event; an empty name writes no {@code event:} line. */
  public SseWriter event(String name, String data) {
    return event(name, data, "");
  }

  /** Writes {@code event.name()}, {@code event.lastEventId()} (when not empty) and the data. */
  public SseWriter event(SseEvent event) {
    return event(event.name(), event.data(), event.lastEventId());
  }

  /** A full event; an empty name or id writes no line for it. */
  public SseWriter event(String name, String data, String id) {
    checkField("event name", name, false);
    checkField("id", id, true);
    length = 0;
    if (!name.isEmpty()) {
      ascii("event: ");
      utf8(name, 0, name.length());
      put((byte) '\n');
    }
    if (!id.isEmpty()) {
      ascii("id: ");
      utf8(id, 0, id.length());
      put((byte) '\n');
    }
    int start = 0;
    int n = data.length();
    for (int i = 0; i <= n; i++) {
      char c = i < n ? data.charAt(i) : '\n';
      if (c == '\r' || c == '\n') {
        ascii("data: ");
        utf8(data, start, i);
        put((byte) '\n');
        if (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    put((byte) '\n');
    flush();
    return this;
  }

  /** A comment, such as a heartbeat; each line of the text becomes one comment line. */
  public SseWriter comment(String text) {
    length = 0;
    int start = 0;
    int n = text.length();
    for (int i = 0; i <= n; i++) {
      char c = i < n ? text.charAt(i) : '\n';
      if (c == '\r' || c == '\n') {
        put((byte) ':');
        utf8(text, start, i);
        put((byte) '\n');
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    flush();
    return this;
  }

  /** Sets the reader's reconnection time. */
  public SseWriter retry(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("retry must not be negative, was " + millis);
    }
    length = 0;
    ascii("retry: ");
    ascii(Long.toString(millis));
    put((byte) '\n');
    flush();
    return this;
  }

  private static void checkField(String what, String value, boolean isId) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n') {
        throw new IllegalArgumentException(
            "SSE " + what + " must not contain a line break (at index " + i + ")");
      }
      if (isId && c == '\0') {
        throw new IllegalArgumentException(
            "SSE id must not contain U+0000 (at index " + i + "): readers ignore such an id");
      }
    }
  }

  private void flush() {
    sink.write(buffer, 0, length);
    length = 0;
  }

  private void ascii(String s) {
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      buffer[length++] = (byte) s.charAt(i);
    }
  }

  private void put(byte b) {
    ensure(1);
    buffer[length++] = b;
  }

  /** UTF-8 of chars [from, to); a lone surrogate becomes U+FFFD, as String.getBytes does. */
  private void utf8(String s, int from, int to) {
    ensure((to - from) * 3);
    byte[] out = buffer;
    int p = length;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | c >> 6);
        out[p++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < to
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[p++] = (byte) (0xF0 | cp >> 18);
        out[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[p++] = (byte) (0x80 | cp & 0x3F);
      } else if (Character.isSurrogate(c)) {
        out[p++] = (byte) 0xEF;
        out[p++] = (byte) 0xBF;
        out[p++] = (byte) 0xBD;
      } else {
        out[p++] = (byte) (0xE0 | c >> 12);
        out[p++] = (byte) (0x80 | c >> 6 & 0x3F);
        out[p++] = (byte) (0x80 | c & 0x3F);
      }
    }
    length = p;
  }

  private void ensure(int extra) {
    if (length + extra > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + extra));
    }
  }
}
