package io.sluice.core.internal.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Whether bytes are well-formed UTF-8 (Unicode 15, table 3-7): exactly the input that the JDK's
 * UTF-8 decoder turns into a {@code String} without a replacement, so a listener that reads the
 * bytes itself sees the same characters as one that reads the decoded {@code String}.
 */
public final class Utf8 {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGHS = 0x8080808080808080L;

  private Utf8() {}

  public static boolean isWellFormed(byte[] b, int offset, int length) {
    int i = offset;
    int end = offset + length;
    // ASCII, eight bytes at a time: nearly all event data is.
    for (int last = end - Long.BYTES; i <= last; i += Long.BYTES) {
      if (((long) LONGS.get(b, i) & HIGHS) != 0) {
        return wellFormedFrom(b, i, end);
      }
    }
    return wellFormedFrom(b, i, end);
  }

  private static boolean wellFormedFrom(byte[] b, int i, int end) {
    while (i < end) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        // Back to eight bytes at a time over ASCII between the multi-byte characters.
        while (i <= end - Long.BYTES && ((long) LONGS.get(b, i) & HIGHS) == 0) {
          i += Long.BYTES;
        }
        continue;
      }
      int n;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        if (c == 0xE0) {
          lo = 0xA0; // no overlong forms
        } else if (c == 0xED) {
          hi = 0x9F; // no surrogates
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        if (c == 0xF0) {
          lo = 0x90; // no overlong forms
        } else if (c == 0xF4) {
          hi = 0x8F; // nothing above U+10FFFF
        }
      } else {
        return false; // a continuation byte, C0, C1, or F5..FF
      }
      if (end - i <= n) {
        return false;
      }
      int second = b[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return false;
      }
      for (int k = 2; k <= n; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += n + 1;
    }
    return true;
  }
}
