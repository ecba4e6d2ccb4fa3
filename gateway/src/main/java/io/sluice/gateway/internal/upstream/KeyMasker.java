package io.sluice.gateway.internal.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Masks an upstream key in everything the client can see. The exchange ({@code Exchange}) and the
 * WebSocket session ({@code WsSession}) each hold one and send every byte, header value and
 * message bound for the client through it, whatever path produced it (pass-through bytes,
 * re-encoded events, non-streaming bodies, error bodies, copied headers, relayed WebSocket
 * messages), so a new path cannot forget it.
 *
 * <p>Masks an upstream key in bytes passed through as they arrive. Some providers repeat the key in
 * an in-stream error, and a key may straddle two upstream chunks, so the few trailing bytes that
 * could begin the key are held back until the next chunk (or the end) tells. An SSE event ends
 * with a line break, which no key begins with, so in practice nothing waits.
 */
public final class KeyMasker {
  private static final byte[] MASK = "***".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NOTHING = new byte[0];

  private final byte[] key;
  private byte[] held = NOTHING;

  public KeyMasker(String key) {
    this.key = key.getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes to send now, masked; the input array itself when there is nothing to change. */
  public byte[] apply(byte[] chunk) {
    if (key.length == 0) {
      return chunk;
    }
    byte[] data = held.length == 0 ? chunk : concat(held, chunk);
    int occurrences = count(data);
    int from = occurrences == 0 ? 0 : lastEnd(data);
    int hold = heldBack(data, from);
    if (occurrences == 0 && hold == 0) {
      held = NOTHING;
      return data;
    }
    int keep = data.length - hold;
    byte[] out = new byte[keep + (MASK.length - key.length) * occurrences];
    int written = 0;
    int start = 0;
    for (int at = indexOf(data, 0); at >= 0; at = indexOf(data, start)) {
      System.arraycopy(data, start, out, written, at - start);
      written += at - start;
      System.arraycopy(MASK, 0, out, written, MASK.length);
      written += MASK.length;
      start = at + key.length;
    }
    System.arraycopy(data, start, out, written, keep - start);
    held = Arrays.copyOfRange(data, keep, data.length);
    return out;
  }

  /**
   * True when {@link #apply} would send {@code chunk} as it is: nothing held back from before, no
   * key in it, and no beginning of one at its end. Read in place, so that the bytes of a stream
   * without the key (nearly all) are not copied out of their buffer to be checked.
   */
  public boolean passesUnchanged(io.vertx.core.buffer.Buffer chunk) {
    return passesUnchanged(((io.vertx.core.internal.buffer.BufferInternal) chunk).unwrap(), 0,
        chunk.length());
  }

  /** The same for {@code chunk}'s readable bytes, read in place. */
  public boolean passesUnchanged(io.netty.buffer.ByteBuf chunk) {
    return passesUnchanged(chunk, chunk.readerIndex(), chunk.writerIndex());
  }

  private boolean passesUnchanged(io.netty.buffer.ByteBuf bytes, int from, int end) {
    if (key.length == 0) {
      return true;
    }
    if (held.length > 0) {
      return false;
    }
    // The buffer's own search (eight bytes at a time, on heap and direct memory alike) finds the
    // candidates; only they are compared byte by byte.
    for (int i = bytes.indexOf(from, end, key[0]); i >= 0;
        i = bytes.indexOf(i + 1, end, key[0])) {
      if (keyOrItsStartAt(bytes, i, end)) {
        return false;
      }
    }
    return true;
  }

  /** The key at {@code at}, or a beginning of it that the end of {@code chunk} cuts off. */
  private boolean keyOrItsStartAt(io.netty.buffer.ByteBuf chunk, int at, int end) {
    for (int j = 0; j < key.length && at + j < end; j++) {
      if (chunk.getByte(at + j) != key[j]) {
        return false;
      }
    }
    return true;
  }

  /** A last chunk: the bytes masked, with nothing held back. */
  public byte[] last(byte[] chunk) {
    byte[] out = apply(chunk);
    byte[] rest = flush();
    if (rest.length == 0) {
      return out;
    }
    return concat(out, rest);
  }

  /** A whole text (a header value, a message) with the key masked. */
  public String mask(String text) {
    if (key.length == 0) {
      return text;
    }
    String k = new String(key, StandardCharsets.UTF_8);
    return text.contains(k) ? text.replace(k, "***") : text;
  }

  /** The bytes still held back, at the end of the stream: they were not the key. */
  public byte[] flush() {
    byte[] rest = held;
    held = NOTHING;
    return rest;
  }

  /**
   * How many trailing bytes after {@code from} (the end of the last whole key) are a proper prefix
   * of the key, and so may yet become it.
   */
  private int heldBack(byte[] data, int from) {
    for (int n = Math.min(key.length - 1, data.length - from); n > 0; n--) {
      if (Arrays.equals(data, data.length - n, data.length, key, 0, n)) {
        return n;
      }
    }
    return 0;
  }

  private int lastEnd(byte[] data) {
    int end = 0;
    for (int at = indexOf(data, 0); at >= 0; at = indexOf(data, at + key.length)) {
      end = at + key.length;
    }
    return end;
  }

  private int count(byte[] data) {
    int n = 0;
    for (int at = indexOf(data, 0); at >= 0; at = indexOf(data, at + key.length)) {
      n++;
    }
    return n;
  }

  private int indexOf(byte[] data, int from) {
    return Bytes.indexOf(data, from, data.length, key);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
