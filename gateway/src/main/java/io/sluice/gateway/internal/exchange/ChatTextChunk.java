package io.sluice.gateway.internal.exchange;

/**
 * Recognises, with one pass over its bytes and no allocation, the Chat chunk that makes up almost
 * all of a stream: one choice, index 0, whose delta carries a non-empty {@code content} string and
 * nothing else the books read. For such a chunk, once the stream's first events have been decoded,
 * Chat's decoder would emit exactly one {@code TextDelta} of that text (docs/wire-formats.md §a);
 * {@link BooksReader} books it without decoding.
 *
 * <p>The scan vouches only for what it fully understands and says "no" to everything else, which
 * then goes to the decoder: a second choice, a finish reason, usage, an error (also Mistral's flat
 * one), logprobs, reasoning, refusal, tool calls, annotations, a repeated key, a {@code \\u} escape
 * of a surrogate, nesting deeper than {@value #MAX_DEPTH}, and anything that is not strict JSON
 * (Jackson's defaults: no comments, no trailing commas, no leading zeros, no control characters in
 * strings). Fields the decoder skips ({@code id}, {@code model}, {@code system_fingerprint},
 * {@code role}, {@code content_filter_results}, …) are checked for well-formedness and skipped.
 * One instance per stream, reused for every event; not thread-safe.
 */
final class ChatTextChunk {
  static final int MAX_DEPTH = 16;
  /** Digits of an integer that surely fits a {@code long}, as the decoder reads {@code created}. */
  private static final int MAX_INT_DIGITS = 18;

  private static final byte[] CHOICES = ascii("choices");
  private static final byte[] USAGE = ascii("usage");
  private static final byte[] ERROR = ascii("error");
  private static final byte[] OBJECT = ascii("object");
  private static final byte[] CREATED = ascii("created");
  private static final byte[] MESSAGE = ascii("message");
  private static final byte[] TYPE = ascii("type");
  private static final byte[] CODE = ascii("code");
  private static final byte[] INDEX = ascii("index");
  private static final byte[] DELTA = ascii("delta");
  private static final byte[] FINISH_REASON = ascii("finish_reason");
  private static final byte[] LOGPROBS = ascii("logprobs");
  private static final byte[] CONTENT = ascii("content");
  private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
  private static final byte[] REASONING = ascii("reasoning");
  private static final byte[] REFUSAL = ascii("refusal");
  private static final byte[] TOOL_CALLS = ascii("tool_calls");
  private static final byte[] ANNOTATIONS = ascii("annotations");

  /** Where a scan failed: every method returns it instead of a position. */
  private static final int NO = -1;

  private byte[] d;
  private int end;
  /** The last string scanned: its content span, and whether it had escapes. */
  private int strFrom;
  private int strTo;
  private boolean strEscaped;
  /** UTF-8 bytes of the last string's value once its escapes are decoded. */
  private long strUtf8;

  /** Where the text of the last recognised chunk lies, in the array given to {@link #scan}. */
  private int textFrom;
  private int textTo;
  private boolean textEscaped;
  private long textUtf8;

  /**
   * True when {@code data[offset, offset + length)} is a chunk of the shape described above;
   * {@link #textUtf8Bytes} and {@link #text} then describe its text, until the next call.
   */
  boolean scan(byte[] data, int offset, int length) {
    this.d = data;
    this.end = offset + length;
    this.textFrom = -1;
    try {
      int p = ws(offset);
      if (p >= end || d[p] != '{') {
        return false;
      }
      p = topLevel(p + 1);
      return p != NO && ws(p) == end && textFrom >= 0;
    } finally {
      this.d = null; // the array is the reader's, valid only during the call
    }
  }

  /** UTF-8 bytes of the recognised text once its JSON escapes are decoded. */
  long textUtf8Bytes() {
    return textUtf8;
  }

  /** True when the recognised text has JSON escapes (its bytes are not its value). */
  boolean textEscaped() {
    return textEscaped;
  }

  /** The recognised text, when it has no escapes: its bytes are its value. */
  String text(byte[] data) {
    return new String(data, textFrom, textTo - textFrom, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The members of the chunk's object, from after its '{' to after its '}'. */
  private int topLevel(int p) {
    boolean choices = false;
    p = ws(p);
    if (p < end && d[p] == '}') {
      return NO; // no choices
    }
    while (true) {
      p = string(ws(p));
      if (p == NO || strEscaped) {
        return NO; // a key with an escape might still name a field the decoder reads
      }
      int kFrom = strFrom;
      int kTo = strTo;
      p = ws(p);
      if (p >= end || d[p] != ':') {
        return NO;
      }
      p = ws(p + 1);
      if (is(kFrom, kTo, CHOICES)) {
        if (choices) {
          return NO;
        }
        choices = true;
        p = choices(p);
      } else if (is(kFrom, kTo, USAGE) || is(kFrom, kTo, ERROR)) {
        p = literal(p, NULL);
      } else if (is(kFrom, kTo, OBJECT)) {
        p = string(p);
        // "object":"error" is Mistral's flat error, read with message, type and code.
        if (p == NO || strEscaped || is(strFrom, strTo, ERROR)) {
          return NO;
        }
      } else if (is(kFrom, kTo, CREATED)) {
        p = integer(p);
      } else if (is(kFrom, kTo, MESSAGE) || is(kFrom, kTo, TYPE) || is(kFrom, kTo, CODE)) {
        return NO;
      } else {
        p = value(p, 1); // id, model, system_fingerprint, …: skipped by the decoder
      }
      p = next(p, '}');
      if (p <= 0) {
        return p == 0 && choices ? afterClose : NO;
      }
    }
  }

  /** After a member: the position of the next key, 0 at the closing {@code close}, or NO. */
  private int next(int p, char close) {
    if (p == NO) {
      return NO;
    }
    p = ws(p);
    if (p >= end) {
      return NO;
    }
    if (d[p] == ',') {
      return p + 1;
    }
    if (d[p] == close) {
      afterClose = p + 1;
      return 0;
    }
    return NO;
  }

  /** Where the last {@link #next} found its closing bracket, plus one. */
  private int afterClose;

  /** {@code choices}: exactly one object. */
  private int choices(int p) {
    if (p >= end || d[p] != '[') {
      return NO;
    }
    p = ws(p + 1);
    if (p >= end || d[p] != '{') {
      return NO;
    }
    p = choice(p + 1);
    if (p == NO) {
      return NO;
    }
    p = ws(p);
    return p < end && d[p] == ']' ? p + 1 : NO;
  }

  /** One choice, from after its '{': index 0 (or none), one delta, no finish, no logprobs. */
  private int choice(int p) {
    boolean index = false;
    boolean delta = false;
    p = ws(p);
    if (p < end && d[p] == '}') {
      return NO;
    }
    while (true) {
      p = string(ws(p));
      if (p == NO || strEscaped) {
        return NO;
      }
      int kFrom = strFrom;
      int kTo = strTo;
      p = ws(p);
      if (p >= end || d[p] != ':') {
        return NO;
      }
      p = ws(p + 1);
      if (is(kFrom, kTo, INDEX)) {
        // "0" alone: a 0.5, 0e1 or -0 is not taken for choice 0 here
        if (index || p >= end || d[p] != '0' || integer(p) != p + 1) {
          return NO;
        }
        index = true;
        p = p + 1;
      } else if (is(kFrom, kTo, DELTA)) {
        if (delta) {
          return NO;
        }
        delta = true;
        p = delta(p);
      } else if (is(kFrom, kTo, FINISH_REASON) || is(kFrom, kTo, LOGPROBS)) {
        p = literal(p, NULL);
      } else if (is(kFrom, kTo, MESSAGE)) {
        return NO; // read like a delta by the decoder
      } else {
        p = value(p, 3); // content_filter_results, stop_reason, …
      }
      p = next(p, '}');
      if (p <= 0) {
        return p == 0 && delta ? afterClose : NO;
      }
    }
  }

  /** The delta object: one non-empty content string, and only fields the decoder skips. */
  private int delta(int p) {
    if (p >= end || d[p] != '{') {
      return NO;
    }
    boolean content = false;
    p = ws(p + 1);
    if (p < end && d[p] == '}') {
      return NO;
    }
    while (true) {
      p = string(ws(p));
      if (p == NO || strEscaped) {
        return NO;
      }
      int kFrom = strFrom;
      int kTo = strTo;
      p = ws(p);
      if (p >= end || d[p] != ':') {
        return NO;
      }
      p = ws(p + 1);
      if (is(kFrom, kTo, CONTENT)) {
        if (content) {
          return NO;
        }
        content = true;
        p = string(p);
        if (p == NO || strTo == strFrom) {
          return NO; // an empty text adds nothing: the decoder says so itself
        }
        textFrom = strFrom;
        textTo = strTo;
        textEscaped = strEscaped;
        textUtf8 = strUtf8;
      } else if (is(kFrom, kTo, REASONING_CONTENT) || is(kFrom, kTo, REASONING)
          || is(kFrom, kTo, REFUSAL) || is(kFrom, kTo, TOOL_CALLS)
          || is(kFrom, kTo, ANNOTATIONS)) {
        p = literal(p, NULL); // a null adds nothing; anything else is the decoder's
      } else {
        p = value(p, 4); // role, audio, …
      }
      p = next(p, '}');
      if (p <= 0) {
        return p == 0 && content ? afterClose : NO;
      }
    }
  }

  /** Any JSON value, checked and skipped. */
  private int value(int p, int depth) {
    if (p < 0 || p >= end || depth > MAX_DEPTH) {
      return NO;
    }
    switch (d[p]) {
      case '"':
        return string(p);
      case '{':
        return object(p + 1, depth + 1);
      case '[':
        return array(p + 1, depth + 1);
      case 't':
        return literal(p, TRUE);
      case 'f':
        return literal(p, FALSE);
      case 'n':
        return literal(p, NULL);
      default:
        return number(p);
    }
  }

  private int object(int p, int depth) {
    p = ws(p);
    if (p < end && d[p] == '}') {
      return p + 1;
    }
    while (true) {
      p = string(ws(p));
      if (p == NO) {
        return NO;
      }
      p = ws(p);
      if (p >= end || d[p] != ':') {
        return NO;
      }
      p = next(value(ws(p + 1), depth), '}');
      if (p <= 0) {
        return p == 0 ? afterClose : NO;
      }
    }
  }

  private int array(int p, int depth) {
    p = ws(p);
    if (p < end && d[p] == ']') {
      return p + 1;
    }
    while (true) {
      p = next(value(ws(p), depth), ']');
      if (p <= 0) {
        return p == 0 ? afterClose : NO;
      }
    }
  }

  private static final byte[] NULL = ascii("null");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");

  private int literal(int p, byte[] word) {
    if (p < 0 || end - p < word.length) {
      return NO;
    }
    for (int i = 0; i < word.length; i++) {
      if (d[p + i] != word[i]) {
        return NO;
      }
    }
    return p + word.length; // what follows must be a separator: the caller's next() checks
  }

  /** A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private int number(int p) {
    int start = p;
    if (p < end && d[p] == '-') {
      p++;
    }
    if (p >= end || !digit(d[p])) {
      return NO;
    }
    if (d[p] == '0') {
      p++;
    } else {
      while (p < end && digit(d[p])) {
        p++;
      }
    }
    if (p < end && d[p] == '.') {
      p++;
      if (p >= end || !digit(d[p])) {
        return NO;
      }
      while (p < end && digit(d[p])) {
        p++;
      }
    }
    if (p < end && (d[p] == 'e' || d[p] == 'E')) {
      p++;
      if (p < end && (d[p] == '+' || d[p] == '-')) {
        p++;
      }
      if (p >= end || !digit(d[p])) {
        return NO;
      }
      while (p < end && digit(d[p])) {
        p++;
      }
    }
    return p - start > 1000 ? NO : p;
  }

  /** An integer the decoder reads as a {@code long} without overflow. */
  private int integer(int p) {
    int start = p;
    if (p < end && d[p] == '-') {
      p++;
    }
    int digits = p;
    if (p >= end || !digit(d[p])) {
      return NO;
    }
    if (d[p] == '0') {
      p++;
    } else {
      while (p < end && digit(d[p])) {
        p++;
      }
    }
    if (p - digits > MAX_INT_DIGITS
        || (p < end && (d[p] == '.' || d[p] == 'e' || d[p] == 'E' || digit(d[p])))) {
      return NO;
    }
    return p > start ? p : NO;
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  /**
   * A JSON string at {@code p} (its opening quote): sets {@link #strFrom}, {@link #strTo},
   * {@link #strEscaped} and {@link #strUtf8}; returns the position after its closing quote. The
   * bytes are well-formed UTF-8 (the SSE reader only offers such data), so without escapes the
   * value's UTF-8 length is the span's length.
   */
  private int string(int p) {
    if (p < 0 || p >= end || d[p] != '"') {
      return NO;
    }
    int from = ++p;
    boolean escaped = false;
    long utf8 = 0;
    while (p < end) {
      byte b = d[p];
      if (b == '"') {
        strFrom = from;
        strTo = p;
        strEscaped = escaped;
        strUtf8 = utf8;
        return p + 1;
      }
      if (b >= 0 && b < 0x20) {
        return NO; // a raw control character: Jackson refuses it
      }
      if (b != '\\') {
        utf8++;
        p++;
        continue;
      }
      escaped = true;
      if (p + 1 >= end) {
        return NO;
      }
      switch (d[p + 1]) {
        case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
          utf8++;
          p += 2;
        }
        case 'u' -> {
          int c = hex4(p + 2);
          if (c < 0 || (c >= 0xD800 && c <= 0xDFFF)) {
            return NO; // a surrogate: how it pairs is the decoder's to judge
          }
          utf8 += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
          p += 6;
        }
        default -> {
          return NO;
        }
      }
    }
    return NO;
  }

  private int hex4(int p) {
    if (end - p < 4) {
      return -1;
    }
    int v = 0;
    for (int i = p; i < p + 4; i++) {
      int h = Character.digit(d[i], 16);
      if (h < 0) {
        return -1;
      }
      v = v << 4 | h;
    }
    return v;
  }

  private int ws(int p) {
    if (p < 0) {
      return NO;
    }
    while (p < end && (d[p] == ' ' || d[p] == '\n' || d[p] == '\r' || d[p] == '\t')) {
      p++;
    }
    return p;
  }

  private boolean is(int from, int to, byte[] word) {
    if (to - from != word.length) {
      return false;
    }
    for (int i = 0; i < word.length; i++) {
      if (d[from + i] != word[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
