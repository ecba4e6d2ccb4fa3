package io.sluice.gateway.internal.server;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Whether the JIT compilers have settled: how long they compiled over the last {@link #WINDOW}
 * samples, against {@link #SETTLED_MILLIS}. The start-up warm-up ends on it rather than at a
 * fixed time, since what it is for is code compiled before the first burst, and how long that
 * takes depends on the machine: on a cold JVM on 2 cores, half a second of warm-up ran 16 streams,
 * and C2 went on compiling through the first real ones (docs/gateway.md, "Start-up warm-up").
 * Not thread-safe: sampled from one event loop.
 */
final class JitSettle {
  /** How often the warm-up samples. */
  static final long PERIOD_MILLIS = 250;
  /** How many periods the window spans: one second. */
  static final int WINDOW = 4;
  /**
   * Compiling time, over the whole window (all compiler threads), at or under which the compilers
   * count as settled: 5 % of one core. What is left then is C1 compiling the odd method, and a C2
   * compilation of a hot method takes tens of milliseconds on its own.
   */
  static final long SETTLED_MILLIS = PERIOD_MILLIS * WINDOW / 20;

  private final LongSupplier compileMillis;
  private final long[] samples = new long[WINDOW + 1];
  private int taken;

  /** On {@code compileMillis}, the compilers' total time so far (it only grows). */
  JitSettle(LongSupplier compileMillis) {
    this.compileMillis = compileMillis;
  }

  /**
   * This JVM's compilers, through {@link CompilationMXBean}; null when the JVM does not report
   * compiling time (the warm-up then runs for its whole budget).
   */
  static JitSettle ofThisJvm() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return null;
    }
    return new JitSettle(jit::getTotalCompilationTime);
  }

  /** Takes a sample; true once a full window has passed with compiling at or under the bound. */
  boolean sample() {
    long now = compileMillis.getAsLong();
    samples[taken++ % samples.length] = now;
    if (taken <= WINDOW) {
      return false; // not a full window yet
    }
    long windowStart = samples[taken % samples.length]; // the oldest of the WINDOW + 1 kept
    return now - windowStart <= SETTLED_MILLIS;
  }
}
