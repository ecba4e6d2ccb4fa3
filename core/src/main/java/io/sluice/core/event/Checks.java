package io.sluice.core.event;

/** Null checks for record components: the public API carries no null. */
final class Checks {
  private Checks() {}

  static void notNull(Object... values) {
    for (Object value : values) {
      if (value == null) {
        throw new NullPointerException("event components must not be null; use empty values");
      }
    }
  }
}
