package io.sluice.core.internal.sse;

import io.sluice.core.LimitExceededException;
import io.sluice.core.StreamLimits;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The SSE reader, working on bytes. A line that lies whole inside one feed is parsed in place; only
 * a line that straddles feeds is copied, into {@code line}. Data lines are appended to
 * {@code data}. At dispatch the data goes to the listener as bytes if it takes them
 * ({@link SseListener#onEventBytes}), and is otherwise decoded once, into an {@link SseEvent}. CR and LF never occur inside a multi-byte UTF-8 sequence, so splitting on
 * bytes before decoding is exact.
 */
public final class ByteSseReader implements SseReader {

  private static final byte LF = '\n';
  private static final byte CR = '\r';
  private static final byte COLON = ':';
  private static final byte SPACE = ' ';
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final String SETTING = "StreamLimits.maxEventBytes";
  /**
   * A line may exceed the event limit by the length of {@code "data: "}, so that a data line whose
   * value fits is accepted, and the same line is judged alike whether it arrives in one feed or
   * is buffered across several (found by SseReaderFuzzTest).
   */
  private static final int DATA_PREFIX = 6;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  /** "data" and "even" as little-endian ints, and the lengths of "data:" and "event:". */
  private static final int DATA = 'd' | 'a' << 8 | 't' << 16 | 'a' << 24;
  private static final int EVEN = 'e' | 'v' << 8 | 'e' << 16 | 'n' << 24;
  private static final int DATA_COLON_LENGTH = 5;
  private static final int EVENT_COLON_LENGTH = 6;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  /** Subtracted from eight bytes, sets the high bit of each byte below CR + 1 (see indexOfEol). */
  private static final long BELOW_CR = ONES * (CR + 1);

  private final SseListener listener;
  private final int maxEventBytes;
  private final int maxLineBytes;

  /** Bytes of the BOM matched so far; 3 once the start of the stream is decided. */
  private int bomState;
  /** The previous feed ended with CR, so an LF that starts the next one completes a CRLF. */
  private boolean skipLf;
  /**
   * A line that started in an earlier feed and has not ended yet; made when the first such line
   * comes (a stream whose reads end at line ends, as a provider's paced events do, needs none).
   */
  private byte[] line = new byte[0];
  private int lineLength;
  /** Data lines of the current event, each followed by LF; grown when an event needs more. */
  private byte[] data = new byte[512];
  private int dataLength;
  private String eventName = "";
  private String idBuffer = "";
  private String lastEventId = "";
  /** A non-comment line was read since the last blank line. */
  private boolean pending;
  private boolean ended;
  private boolean failed;
  private byte[] scratch;
  /**
   * Every byte of the lines read since the last dispatch, or-ed together (and some bytes after
   * them): no high bit set means the event's data is ASCII, so well-formed UTF-8.
   */
  private long seen;

  // Field values repeat (event names, ids): reuse the last decoded string when the bytes match.
  private byte[] cachedNameBytes = new byte[0];
  private String cachedName = "";
  private byte[] cachedIdBytes = new byte[0];
  private String cachedId = "";

  public ByteSseReader(SseListener listener, StreamLimits limits) {
    if (listener == null || limits == null) {
      throw new NullPointerException("listener and limits are required");
    }
    this.listener = listener;
    this.maxEventBytes = limits.maxEventBytes();
    this.maxLineBytes = (int) Math.min((long) maxEventBytes + DATA_PREFIX, Integer.MAX_VALUE - 8);
  }

  @Override
  public void feed(ByteBuffer bytes) {
    if (bytes.hasArray()) {
      int position = bytes.position();
      int length = bytes.remaining();
      bytes.position(bytes.limit());
      feed(bytes.array(), bytes.arrayOffset() + position, length);
      return;
    }
    if (scratch == null) {
      scratch = new byte[8192];
    }
    while (bytes.hasRemaining() && !ended && !failed) {
      int n = Math.min(scratch.length, bytes.remaining());
      bytes.get(scratch, 0, n);
      feed(scratch, 0, n);
    }
    bytes.position(bytes.limit());
  }

  @Override
  public void feed(byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", length " + length + ", array " + bytes.length);
    }
    if (ended || failed || length == 0) {
      return;
    }
    int pos = offset;
    int end = offset + length;
    if (bomState < BOM.length) {
      pos = skipBom(bytes, pos, end);
      if (pos == end) {
        return;
      }
    }
    if (skipLf) {
      skipLf = false;
      if (bytes[pos] == LF) {
        pos++;
      }
    }
    while (pos < end) {
      int eol = indexOfEol(bytes, pos, end);
      if (eol < 0) {
        appendLine(bytes, pos, end - pos);
        return;
      }
      if (lineLength > 0) {
        if (!appendLine(bytes, pos, eol - pos)) {
          return;
        }
        int n = lineLength;
        lineLength = 0;
        processLine(line, 0, n);
      } else if ((long) eol - pos + dataLength > maxLineBytes) {
        fail((long) eol - pos + dataLength);
        return;
      } else {
        processLine(bytes, pos, eol - pos);
      }
      if (failed || ended) {
        return;
      }
      pos = eol + 1;
      if (bytes[eol] == CR) {
        if (pos == end) {
          skipLf = true;
        } else if (bytes[pos] == LF) {
          pos++;
        }
      }
    }
  }

  /** WHATWG decodes with a BOM-stripping UTF-8 decoder: skip EF BB BF once, even across feeds. */
  private int skipBom(byte[] bytes, int pos, int end) {
    while (bomState < BOM.length && pos < end) {
      if (bytes[pos] != BOM[bomState]) {
        // Not a BOM after all: the bytes matched so far start the first line.
        int matched = bomState;
        bomState = BOM.length;
        seen |= matched > 0 ? HIGHS : 0; // those bytes are not scanned: they are not ASCII
        appendLine(BOM, 0, matched);
        return pos;
      }
      bomState++;
      pos++;
    }
    return pos;
  }

  /**
   * The index of the first CR or LF in [from, to), or -1; eight bytes at a time. The bytes it
   * reads (a few past the line end, too) are or-ed into {@link #seen}, so that dispatch knows
   * without another pass whether the event's data is all ASCII.
   */
  private int indexOfEol(byte[] bytes, int from, int to) {
    int i = from;
    long high = 0;
    for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
      long word = (long) LONGS.get(bytes, i);
      high |= word;
      // Flags every byte below 0x0E (CR, LF, and rarely TAB and other controls), and perhaps
      // bytes above a flagged one (a borrow): each flag is checked on the byte itself.
      long below = (word - BELOW_CR) & ~word & HIGHS;
      while (below != 0) {
        int at = i + (Long.numberOfTrailingZeros(below) >>> 3);
        byte b = bytes[at];
        if (b == LF || b == CR) {
          seen |= high;
          return at;
        }
        below &= below - 1;
      }
    }
    for (; i < to; i++) {
      byte b = bytes[i];
      high |= b;
      if (b == LF || b == CR) {
        seen |= high;
        return i;
      }
    }
    seen |= high;
    return -1;
  }

  private boolean appendLine(byte[] bytes, int from, int length) {
    if (length == 0) {
      return true;
    }
    int needed = lineLength + length;
    if (needed + dataLength > maxLineBytes) {
      fail(needed + dataLength);
      return false;
    }
    if (needed > line.length) {
      line = Arrays.copyOf(line, grow(Math.max(line.length, 128), needed, maxLineBytes));
    }
    System.arraycopy(bytes, from, line, lineLength, length);
    lineLength = needed;
    return true;
  }

  private void processLine(byte[] b, int start, int length) {
    if (length == 0) {
      dispatch();
      return;
    }
    if (b[start] == COLON) {
      listener.onComment(new String(b, start + 1, length - 1, StandardCharsets.UTF_8));
      return;
    }
    pending = true;
    int end = start + length;
    // Nearly every line is "data:…" or "event:…": matched as one word, before the general scan.
    if (length >= DATA_COLON_LENGTH) {
      int head = (int) INTS.get(b, start);
      if (head == DATA && b[start + 4] == COLON) {
        int value = start + DATA_COLON_LENGTH;
        if (value < end && b[value] == SPACE) {
          value++;
        }
        appendData(b, value, end - value);
        return;
      }
      if (head == EVEN && length >= EVENT_COLON_LENGTH && b[start + 4] == 't'
          && b[start + 5] == COLON) {
        int value = start + EVENT_COLON_LENGTH;
        if (value < end && b[value] == SPACE) {
          value++;
        }
        eventName = decodeName(b, value, end - value);
        return;
      }
    }
    int colon = start;
    while (colon < end && b[colon] != COLON) {
      colon++;
    }
    int nameLength = colon - start;
    int value = colon;
    if (colon < end) {
      value++;
      if (value < end && b[value] == SPACE) {
        value++;
      }
    }
    int valueLength = end - value;
    switch (nameLength) {
      case 4:
        if (b[start] == 'd' && b[start + 1] == 'a' && b[start + 2] == 't' && b[start + 3] == 'a') {
          appendData(b, value, valueLength);
        }
        break;
      case 5:
        if (matches(b, start, "event")) {
          eventName = decodeName(b, value, valueLength);
        } else if (matches(b, start, "retry")) {
          retry(b, value, valueLength);
        }
        break;
      case 2:
        if (b[start] == 'i' && b[start + 1] == 'd') {
          id(b, value, valueLength);
        }
        break;
      default:
        // Unknown field names are ignored (WHATWG §9.2.6).
    }
  }

  private static boolean matches(byte[] b, int start, String name) {
    for (int i = 0; i < name.length(); i++) {
      if (b[start + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void appendData(byte[] b, int from, int length) {
    int needed = dataLength + length + 1;
    if (needed > maxEventBytes) {
      fail(needed);
      return;
    }
    if (needed > data.length) {
      data = Arrays.copyOf(data, grow(data.length, needed, maxEventBytes));
    }
    System.arraycopy(b, from, data, dataLength, length);
    data[needed - 1] = LF;
    dataLength = needed;
  }

  private String decodeName(byte[] b, int from, int length) {
    if (!Arrays.equals(b, from, from + length, cachedNameBytes, 0, cachedNameBytes.length)) {
      cachedNameBytes = Arrays.copyOfRange(b, from, from + length);
      cachedName = new String(cachedNameBytes, StandardCharsets.UTF_8);
    }
    return cachedName;
  }

  private void id(byte[] b, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (b[i] == 0) {
        return; // An id containing U+0000 is ignored; the previous value stands.
      }
    }
    if (!Arrays.equals(b, from, from + length, cachedIdBytes, 0, cachedIdBytes.length)) {
      cachedIdBytes = Arrays.copyOfRange(b, from, from + length);
      cachedId = new String(cachedIdBytes, StandardCharsets.UTF_8);
    }
    idBuffer = cachedId;
  }

  private void retry(byte[] b, int from, int length) {
    if (length == 0) {
      return;
    }
    long millis = 0;
    for (int i = from; i < from + length; i++) {
      int digit = b[i] - '0';
      if (digit < 0 || digit > 9) {
        return; // Only ASCII digits make a valid retry value.
      }
      if (millis > (Long.MAX_VALUE - digit) / 10) {
        return; // Too large to represent: treat like any other invalid value.
      }
      millis = millis * 10 + digit;
    }
    listener.onRetry(millis);
  }

  private void dispatch() {
    lastEventId = idBuffer;
    pending = false;
    boolean ascii = (seen & HIGHS) == 0;
    seen = 0;
    if (dataLength == 0) {
      eventName = "";
      return;
    }
    int length = dataLength - 1;
    String name = eventName;
    dataLength = 0;
    eventName = "";
    // The bytes stay untouched during the call: only the next data line overwrites them.
    if ((ascii || Utf8.isWellFormed(data, 0, length))
        && listener.onEventBytes(name, data, 0, length, lastEventId)) {
      return;
    }
    listener.onEvent(new SseEvent(name, new String(data, 0, length, StandardCharsets.UTF_8),
        lastEventId));
  }

  private void fail(long size) {
    failed = true;
    lineLength = 0;
    dataLength = 0;
    line = new byte[0];
    data = new byte[0];
    listener.onFailure(
        new LimitExceededException("SSE event", size, maxEventBytes, SETTING));
  }

  private static int grow(int current, int needed, int cap) {
    long doubled = Math.max((long) current * 2, needed);
    return (int) Math.min(doubled, cap);
  }

  @Override
  public void end() {
    if (ended || failed) {
      return;
    }
    ended = true;
    boolean truncated = pending || (lineLength > 0 && line[0] != COLON);
    if (truncated) {
      reportUnterminated();
      if (failed) {
        return; // its last line took the event over the size limit: onFailure was the end
      }
    }
    lineLength = 0;
    dataLength = 0;
    listener.onEnd(truncated ? SseEnd.TRUNCATED : SseEnd.COMPLETE);
  }

  /**
   * Offers the event the input stopped in, with a last line that has no line end read as if it
   * had one. A {@code retry} line there is left alone: it would change the reader's state, and
   * the event is reported, not dispatched.
   */
  private void reportUnterminated() {
    if (lineLength > 0 && line[0] != COLON && !isRetry(line, lineLength)) {
      processLine(line, 0, lineLength);
    }
    if (dataLength == 0) {
      return;
    }
    listener.onUnterminatedEvent(new SseEvent(eventName,
        new String(data, 0, dataLength - 1, StandardCharsets.UTF_8), idBuffer));
  }

  private static boolean isRetry(byte[] b, int length) {
    String retry = "retry";
    if (length < retry.length() || (length > retry.length() && b[retry.length()] != COLON)) {
      return false;
    }
    for (int i = 0; i < retry.length(); i++) {
      if (b[i] != retry.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String lastEventId() {
    return lastEventId;
  }

  @Override
  public boolean failed() {
    return failed;
  }
}
