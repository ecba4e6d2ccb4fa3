package io.sluice.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * POSIX signals for {@code sluice gateway}. A handler replaces the JVM's own: for SIGTERM and
 * SIGINT that means no shutdown hooks run and no exit with 128 + the signal; the command drains
 * and then returns its exit status itself. Each handler runs on a thread the JVM starts for it.
 */
final class Signals {
  private Signals() {}

  /**
   * Runs {@code action} on each {@code name} signal ("TERM", "INT", "HUP"), where it exists.
   *
   * @return false when the signal stays ignored: it was ignored when the JVM started (under
   *     {@code nohup}, SIGHUP; in a script's background job, SIGINT), and the JVM then keeps it
   *     ignored rather than install a handler
   */
  static boolean on(String name, Runnable action) {
    try {
      return Signal.handle(new Signal(name), s -> action.run()) != SignalHandler.SIG_IGN;
    } catch (IllegalArgumentException e) {
      // No such signal on this platform (SIGHUP on Windows), or the JVM keeps it (-Xrs).
      System.err.println("sluice gateway: SIG" + name + " is not available here: "
          + e.getMessage());
      return false;
    }
  }
}
