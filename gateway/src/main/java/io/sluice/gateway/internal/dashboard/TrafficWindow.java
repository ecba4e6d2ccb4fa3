package io.sluice.gateway.internal.dashboard;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last {@value #SECONDS} seconds of finished requests, one bucket per second: counts, tokens,
 * errors by type and histograms of time to first token and of the gateway's added latency. Fixed
 * memory; a bucket is reused when its second comes round again. Written by every event loop, each
 * bucket under its own lock, held for a few counter updates.
 */
final class TrafficWindow {
  static final int SECONDS = 15 * 60;

  /** One second's figures, as a chart point. */
  record Point(long second, int requests, int errors, long tokensIn, long tokensOut,
      long ttftP50, long ttftP99) {}

  /** Figures over several seconds: the "now" tiles. */
  record Summary(int seconds, int requests, int errors, long tokensIn, long tokensOut,
      long ttftP50, long ttftP99, long addedP50Micros, long addedP99Micros,
      Map<String, Integer> errorsByType) {}

  private static final class Bucket {
    long second = -1;
    int requests;
    int errors;
    long tokensIn;
    long tokensOut;
    final Histogram ttft = new Histogram();
    final Histogram addedMicros = new Histogram();
    final Map<String, Integer> errorsByType = new HashMap<>();

    /** Makes this the bucket of {@code s}, clearing what an older second left. */
    void roll(long s) {
      if (second != s) {
        second = s;
        requests = 0;
        errors = 0;
        tokensIn = 0;
        tokensOut = 0;
        ttft.clear();
        addedMicros.clear();
        errorsByType.clear();
      }
    }
  }

  private final Bucket[] buckets = new Bucket[SECONDS];

  TrafficWindow() {
    for (int i = 0; i < SECONDS; i++) {
      buckets[i] = new Bucket();
    }
  }

  void ended(RequestRecord r) {
    long s = r.endMillis() / 1000;
    Bucket b = buckets[(int) (s % SECONDS)];
    synchronized (b) {
      b.roll(s);
      b.requests++;
      b.tokensIn += r.tokensIn();
      b.tokensOut += r.tokensOut();
      if (r.firstTokenMillis() >= 0 && r.status() < 400) {
        b.ttft.record(r.firstTokenMillis());
      }
      if (r.failed()) {
        b.errors++;
        String type = r.errorClass().isEmpty() ? "http_" + r.status() : r.errorClass();
        if (b.errorsByType.size() < 64 || b.errorsByType.containsKey(type)) {
          b.errorsByType.merge(type, 1, Integer::sum);
        }
      }
    }
  }

  /** The gateway's own time for one upstream attempt, recorded when it is sent. */
  void added(long nowMillis, long micros) {
    long s = nowMillis / 1000;
    Bucket b = buckets[(int) (s % SECONDS)];
    synchronized (b) {
      b.roll(s);
      b.addedMicros.record(micros);
    }
  }

  /** The seconds {@code [now - seconds, now)} summed: the current second is not over yet. */
  Summary summary(long nowSecond, int seconds) {
    Histogram ttft = new Histogram();
    Histogram added = new Histogram();
    Map<String, Integer> errorsByType = new TreeMap<>();
    int requests = 0;
    int errors = 0;
    long in = 0;
    long out = 0;
    for (long s = nowSecond - seconds; s < nowSecond; s++) {
      Bucket b = buckets[(int) Math.floorMod(s, (long) SECONDS)];
      synchronized (b) {
        if (b.second != s) {
          continue;
        }
        requests += b.requests;
        errors += b.errors;
        in += b.tokensIn;
        out += b.tokensOut;
        ttft.addAll(b.ttft);
        added.addAll(b.addedMicros);
        b.errorsByType.forEach((k, v) -> errorsByType.merge(k, v, Integer::sum));
      }
    }
    return new Summary(seconds, requests, errors, in, out, ttft.percentile(0.5),
        ttft.percentile(0.99), added.percentile(0.5), added.percentile(0.99), errorsByType);
  }

  /** One chart point per second in {@code [from, to)}; a second nobody recorded is all zero. */
  java.util.List<Point> points(long from, long to) {
    java.util.List<Point> out = new java.util.ArrayList<>((int) Math.max(0, to - from));
    for (long s = Math.max(from, to - SECONDS); s < to; s++) {
      Bucket b = buckets[(int) Math.floorMod(s, (long) SECONDS)];
      synchronized (b) {
        out.add(b.second != s ? new Point(s, 0, 0, 0, 0, -1, -1)
            : new Point(s, b.requests, b.errors, b.tokensIn, b.tokensOut,
                b.ttft.percentile(0.5), b.ttft.percentile(0.99)));
      }
    }
    return out;
  }
}
