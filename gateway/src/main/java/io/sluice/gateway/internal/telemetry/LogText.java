package io.sluice.gateway.internal.telemetry;

/**
 * How a value a client or an upstream chose (a model's name, a key id, an error class) is printed
 * in the request log line: as is when it is one plain word, else quoted with every character that
 * could end the line, forge a field or drive the terminal escaped. One rule for every field, so
 * that no line can be split or faked, whichever field carries the attack.
 */
public final class LogText {
  private LogText() {}

  /** {@code s} as one field value of a log line; {@code -} for an empty one. */
  public static String value(String s) {
    if (s.isEmpty()) {
      return "-";
    }
    if (plain(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 8).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (unsafe(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '"' || c == '\\' || c == '=' || unsafe(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * C0 and C1 controls (newlines, ESC of terminal sequences), DEL, Unicode line separators, format
   * characters (bidirectional overrides that reorder what a terminal shows, zero-width ones), and
   * a lone surrogate (not text).
   */
  private static boolean unsafe(char c) {
    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
      return true;
    }
    int type = Character.getType(c);
    return type == Character.FORMAT || type == Character.SURROGATE
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }
}
