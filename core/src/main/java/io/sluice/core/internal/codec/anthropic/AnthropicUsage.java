package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.json.JsonFields;
import java.io.IOException;
import java.util.Arrays;

/**
 * Anthropic's {@code usage} object, read the same way in a stream and in a message body. Counts
 * are cumulative: each count an object carries replaces the one held (docs/wire-formats.md §c),
 * so a {@code message_delta} that reports only {@code output_tokens} keeps the input counts of
 * {@code message_start}.
 */
final class AnthropicUsage {
  /** A count the object does not carry (or carries as something other than an integer). */
  static final long ABSENT = -1;

  static final int INPUT = 0;
  static final int OUTPUT = 1;
  static final int CACHE_READ = 2;
  static final int CACHE_WRITE = 3;
  static final int THINKING = 4;

  private AnthropicUsage() {}

  /** A new array of counts, as {@link #read} fills and {@link #merge} holds. */
  static long[] counts() {
    return new long[5];
  }

  /**
   * Reads a usage object into {@code out}, each count it lacks as {@link #ABSENT}; false (and
   * {@code out} untouched) when the value is not an object, which is skipped.
   */
  static boolean read(JsonParser p, long[] out) throws IOException {
    if (!JsonFields.isObject(p)) {
      return false;
    }
    Arrays.fill(out, ABSENT);
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "input_tokens" -> out[INPUT] = JsonFields.integer(p, ABSENT);
        case "output_tokens" -> out[OUTPUT] = JsonFields.integer(p, ABSENT);
        case "cache_read_input_tokens" -> out[CACHE_READ] = JsonFields.integer(p, ABSENT);
        case "cache_creation_input_tokens" -> out[CACHE_WRITE] = JsonFields.integer(p, ABSENT);
        case "output_tokens_details" -> out[THINKING] = thinking(p);
        default -> p.skipChildren();
      }
    }
    return true;
  }

  /** {@code output_tokens_details.thinking_tokens}, the parser on the details' value. */
  private static long thinking(JsonParser p) throws IOException {
    long thinking = ABSENT;
    if (JsonFields.isObject(p)) {
      while (JsonFields.next(p)) {
        if ("thinking_tokens".equals(p.currentName())) {
          thinking = JsonFields.integer(p, ABSENT);
        } else {
          p.skipChildren();
        }
      }
    }
    return thinking;
  }

  /**
   * Replaces each count held with the one reported, where reported, and gives the usage held.
   * {@link Usage#inputTokens()} counts cache reads and writes, which Anthropic reports apart.
   */
  static Usage merge(long[] held, long[] reported) {
    for (int i = 0; i < held.length; i++) {
      if (reported[i] != ABSENT) {
        held[i] = reported[i];
      }
    }
    return Usage.of(held[INPUT] + held[CACHE_READ] + held[CACHE_WRITE], held[OUTPUT],
        held[CACHE_READ], held[CACHE_WRITE], held[THINKING]);
  }
}
