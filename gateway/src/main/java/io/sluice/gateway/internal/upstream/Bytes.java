package io.sluice.gateway.internal.upstream;

import java.util.Arrays;

/** Byte searches the relay makes on raw upstream data. */
public final class Bytes {
  private Bytes() {}

  /** Where {@code needle} first starts in {@code data[from, to)}, or -1; never for an empty one. */
  public static int indexOf(byte[] data, int from, int to, byte[] needle) {
    int n = needle.length;
    if (n == 0) {
      return -1;
    }
    byte first = needle[0];
    for (int i = from, last = to - n; i <= last; i++) {
      if (data[i] == first && Arrays.equals(data, i, i + n, needle, 0, n)) {
        return i;
      }
    }
    return -1;
  }
}
