package io.sluice.bench;

import org.openjdk.jmh.infra.Blackhole;

/** A Blackhole outside a JMH run: for setup and for the smoke test, which time nothing. */
final class Blackholes {

  private Blackholes() {}

  static Blackhole discarding() {
    // JMH makes callers acknowledge that a hand-made Blackhole gives no timing guarantees.
    return new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
  }
}
