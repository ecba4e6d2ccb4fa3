package io.sluice.core.internal.json;

/**
 * A fixed set of strings that values often equal (event types, delta types), looked up from the
 * parser's characters so that such a value makes no new {@code String} per event.
 */
public final class KnownStrings {

  /** The strings by length; each bucket in the order given. */
  private final String[][] byLength;

  public KnownStrings(String... values) {
    int max = 0;
    for (String v : values) {
      max = Math.max(max, v.length());
    }
    byLength = new String[max + 1][0];
    for (String v : values) {
      String[] bucket = byLength[v.length()];
      String[] grown = java.util.Arrays.copyOf(bucket, bucket.length + 1);
      grown[bucket.length] = v;
      byLength[v.length()] = grown;
    }
  }

  /** The known string equal to {@code chars[offset, offset + length)}, or null. */
  String find(char[] chars, int offset, int length) {
    if (length >= byLength.length) {
      return null;
    }
    for (String candidate : byLength[length]) {
      if (matches(candidate, chars, offset, length)) {
        return candidate;
      }
    }
    return null;
  }

  /** The known string whose ASCII bytes are {@code bytes[offset, offset + length)}, or null. */
  String find(byte[] bytes, int offset, int length) {
    if (length >= byLength.length) {
      return null;
    }
    for (String candidate : byLength[length]) {
      if (matches(candidate, bytes, offset, length)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean matches(String s, byte[] bytes, int offset, int length) {
    for (int i = length - 1; i >= 0; i--) {
      if (s.charAt(i) != bytes[offset + i]) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(String s, char[] chars, int offset, int length) {
    if (s.length() != length) {
      return false;
    }
    // From the end: event types share long prefixes ("response.output_text.", "content_block_").
    for (int i = length - 1; i >= 0; i--) {
      if (s.charAt(i) != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }
}
