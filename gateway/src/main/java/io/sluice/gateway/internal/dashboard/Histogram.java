package io.sluice.gateway.internal.dashboard;

/**
 * A fixed histogram of durations on a geometric scale (each bucket 20% wider than the one below):
 * 64 counters cover 1 to about 117,000 units, and a percentile read from it is within 10% of the
 * true value. Not thread-safe: its owner holds the lock.
 */
final class Histogram {
  private static final int BUCKETS = 64;
  private static final double RATIO = 1.2;
  private static final double LOG_RATIO = Math.log(RATIO);

  private final int[] counts = new int[BUCKETS];
  private int total;

  void record(long value) {
    counts[bucket(value)]++;
    total++;
  }

  void addAll(Histogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  void clear() {
    java.util.Arrays.fill(counts, 0);
    total = 0;
  }

  int total() {
    return total;
  }

  /** The value below which {@code fraction} of the samples lie, or -1 when there are none. */
  long percentile(double fraction) {
    if (total == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(fraction * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return middle(i);
      }
    }
    return middle(BUCKETS - 1);
  }

  private static int bucket(long value) {
    if (value < 1) {
      return 0;
    }
    return (int) Math.min(BUCKETS - 1, 1 + (long) (Math.log(value) / LOG_RATIO));
  }

  /** The geometric middle of bucket {@code i}: the value the bucket reports. */
  private static long middle(int i) {
    if (i == 0) {
      return 0;
    }
    return Math.round(Math.pow(RATIO, i - 0.5));
  }
}
