package io.sluice.core.message;

import java.util.Arrays;
import java.util.Optional;

/**
 * Best-effort completion of a JSON text that is still arriving, such as tool-call arguments, so a
 * UI can render them as they stream. Each appended character is scanned once: the scanner keeps
 * the stack of open containers and, per container, the last point where its content was whole.
 * {@link #completed()} cuts back to that point (or closes an open string value) and appends the
 * closers; it does not re-parse the prefix.
 *
 * <p><code>{"city":"Par</code> completes to <code>{"city":"Par"}</code>; <code>{"a":1,"b</code>
 * to <code>{"a":1}</code>. Input that is not JSON yields no completion from then on. Not thread-safe.
 */
public final class PartialJson {

  private enum State {
    VALUE, KEY_OR_END, KEY, COLON, STRING, NUMBER, LITERAL, AFTER_VALUE, BROKEN
  }

  private final StringBuilder text = new StringBuilder();
  private char[] closers = new char[8];
  /** Per open container: the text length at which its content so far is whole. */
  private int[] whole = new int[8];
  private int depth;
  private State state = State.VALUE;
  /** Inside a string: index of a pending escape's backslash, or -1. */
  private int escapeAt = -1;
  private int unicodeDigits;
  private String cached;

  /** Appends the next fragment. */
  public void append(CharSequence fragment) {
    cached = null;
    for (int i = 0; i < fragment.length() && state != State.BROKEN; i++) {
      char c = fragment.charAt(i);
      text.append(c);
      scan(c);
    }
  }

  /** The text appended so far, as it is. */
  public String text() {
    return text.toString();
  }

  /**
   * The prefix completed to valid JSON, or empty when nothing valid can be made of it yet (no
   * input, a bare literal cut short) or the input is not JSON.
   */
  public Optional<String> completed() {
    if (cached == null) {
      cached = complete();
    }
    return cached.isEmpty() ? Optional.empty() : Optional.of(cached);
  }

  private void scan(char c) {
    switch (state) {
      case STRING:
      case KEY:
        scanString(c);
        return;
      case NUMBER:
        if (isNumberChar(c)) {
          return;
        }
        valueDone(text.length() - 1);
        scanStructural(c);
        return;
      case LITERAL:
        if (c >= 'a' && c <= 'z') {
          return;
        }
        valueDone(text.length() - 1);
        scanStructural(c);
        return;
      default:
        scanStructural(c);
    }
  }

  private void scanString(char c) {
    if (escapeAt >= 0) {
      if (unicodeDigits > 0) {
        if (Character.digit(c, 16) < 0) {
          state = State.BROKEN;
          return;
        }
        if (--unicodeDigits == 0) {
          escapeAt = -1;
        }
      } else if (c == 'u') {
        unicodeDigits = 4;
      } else {
        escapeAt = -1;
      }
      return;
    }
    if (c == '\\') {
      escapeAt = text.length() - 1;
    } else if (c == '"') {
      if (state == State.KEY) {
        state = State.COLON;
      } else {
        valueDone(text.length());
      }
    }
  }

  private void scanStructural(char c) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      return;
    }
    switch (state) {
      case VALUE:
        startValue(c);
        return;
      case KEY_OR_END:
        if (c == '"') {
          state = State.KEY;
        } else if (c == '}' && closers[depth - 1] == '}') {
          close();
        } else {
          state = State.BROKEN;
        }
        return;
      case COLON:
        state = c == ':' ? State.VALUE : State.BROKEN;
        return;
      case AFTER_VALUE:
        if (depth > 0 && c == ',') {
          state = closers[depth - 1] == '}' ? State.KEY_OR_END : State.VALUE;
        } else if (depth > 0 && c == closers[depth - 1]) {
          close();
        } else {
          state = State.BROKEN;
        }
        return;
      default:
        state = State.BROKEN;
    }
  }

  private void startValue(char c) {
    if (c == '{' || c == '[') {
      if (depth == closers.length) {
        closers = Arrays.copyOf(closers, depth * 2);
        whole = Arrays.copyOf(whole, depth * 2);
      }
      closers[depth] = c == '{' ? '}' : ']';
      whole[depth] = text.length();
      depth++;
      state = c == '{' ? State.KEY_OR_END : State.VALUE;
    } else if (c == ']' && depth > 0 && closers[depth - 1] == ']'
        && whole[depth - 1] == text.length() - 1) {
      close(); // an empty array
    } else if (c == '"') {
      state = State.STRING;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      state = State.NUMBER;
    } else if (c == 't' || c == 'f' || c == 'n') {
      state = State.LITERAL;
    } else {
      state = State.BROKEN;
    }
  }

  private void close() {
    depth--;
    valueDone(text.length());
  }

  private void valueDone(int end) {
    state = State.AFTER_VALUE;
    if (depth > 0) {
      whole[depth - 1] = end;
    }
  }

  private String complete() {
    if (state == State.BROKEN || text.length() == 0) {
      return "";
    }
    int cut;
    String suffix = "";
    switch (state) {
      case AFTER_VALUE:
        cut = text.length();
        break;
      case STRING:
        cut = escapeAt >= 0 ? escapeAt : text.length();
        suffix = "\"";
        break;
      case NUMBER:
        char last = text.charAt(text.length() - 1);
        cut = last >= '0' && last <= '9' ? text.length() : depth > 0 ? whole[depth - 1] : 0;
        break;
      case LITERAL:
        boolean literal = endsWith("true") || endsWith("false") || endsWith("null");
        cut = literal ? text.length() : depth > 0 ? whole[depth - 1] : 0;
        break;
      default:
        // Inside a key or before a value: drop the unfinished member.
        cut = depth > 0 ? whole[depth - 1] : 0;
    }
    if (cut == 0 && suffix.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(cut + suffix.length() + depth);
    out.append(text, 0, cut).append(suffix);
    for (int d = depth - 1; d >= 0; d--) {
      out.append(closers[d]);
    }
    return out.toString();
  }

  private boolean endsWith(String literal) {
    int n = text.length();
    return n >= literal.length() && text.indexOf(literal, n - literal.length()) == n - literal.length();
  }

  private static boolean isNumberChar(char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
  }
}
