package io.sluice.bench.load;

/**
 * A server the harness measures: the simulated provider, the sluice gateway or Portkey, in a
 * process of its own (whose CPU and memory {@code /proc} tells) or in the harness's own JVM (for
 * the smoke test, where those figures are NaN).
 */
interface Server extends AutoCloseable {

  /** A name for reports: {@code mock}, {@code sluice}, {@code portkey}. */
  String name();

  String host();

  int port();

  /** CPU seconds (user plus system) used so far; NaN when unknown. */
  double cpuSeconds();

  /** Of {@link #cpuSeconds}, the seconds spent in the kernel; NaN when unknown. */
  default double systemCpuSeconds() {
    return Double.NaN;
  }

  /** CPU seconds its JIT compilers used so far; NaN when unknown or not a JVM. */
  default double jitCpuSeconds() {
    return Double.NaN;
  }

  /** Resident memory in bytes; NaN when unknown. */
  double rssBytes();

  /** Live heap in bytes right after a full collection; NaN when unknown or not a JVM. */
  double liveHeapBytes();

  /** Bytes the server's threads have allocated so far; NaN when unknown or not a JVM. */
  default double allocatedBytes() {
    return Double.NaN;
  }

  @Override
  void close();
}
