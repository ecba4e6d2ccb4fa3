package io.sluice.cli;

import sun.misc.Signal;

/**
 * POSIX signals for {@code sluice gateway}. A handler replaces the JVM's own: for SIGTERM and
 * SIGINT that means no shutdown hooks run and no exit with 128 + the signal; the command drains
 * and then returns its exit status itself. Each handler runs on a thread the JVM starts for it.
 */
final class Signals {
  private Signals() {}

  /** Runs {@code action} on each {@code name} signal ("TERM", "INT", "HUP"), where it exists. */
  static void on(String name, Runnable action) {
    try {
      Signal.handle(new Signal(name), s -> action.run());
    } catch (IllegalArgumentException e) {
      // No such signal on this platform (SIGHUP on Windows), or the JVM keeps it (-Xrs).
      System.err.println("sluice gateway: SIG" + name + " is not available here: "
          + e.getMessage());
    }
  }
}
