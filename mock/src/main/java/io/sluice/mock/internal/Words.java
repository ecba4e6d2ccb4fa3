package io.sluice.mock.internal;

/**
 * The simulated provider's vocabulary: plain ASCII and a few multi-byte words, so that the UTF-8
 * paths of every encoder and decoder run.
 */
final class Words {
  private static final String[] WORDS = {
    "the", "stream", "flows", "through", "a", "narrow", "gate", "and", "every", "token",
    "arrives", "in", "order", "river", "water", "light", "quiet", "fast", "small", "steady",
    "bridge", "under", "over", "again", "before", "after", "signal", "field", "value", "event",
    "line", "reader", "writer", "byte", "buffer", "clock", "north", "south", "café", "naïve",
    "déjà", "vu", "über", "señor", "façade", "résumé", "mountain", "valley", "stone",
    "cloud",
    "window", "garden", "lamp", "paper", "music", "simple", "careful", "patient", "open", "close",
    "begin", "end", "morning", "evening"
  };

  static final int COUNT = WORDS.length;

  private Words() {}

  static String word(int i) {
    return WORDS[Math.floorMod(i, COUNT)];
  }
}
