package io.sluice.gateway.internal.dashboard;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests, tokens and errors per name (a gateway key's id, an upstream key), over the last minute
 * in one-second slots and since the start, with the last error seen. The names come from the
 * configuration, so there are few; past {@value #MAX_NAMES} the rest go uncounted.
 */
final class Tally {
  static final int MAX_NAMES = 4096;
  private static final int SLOTS = 60;

  /** One name's figures at one moment. */
  record Row(String name, long minuteRequests, long minuteTokensIn, long minuteTokensOut,
      long minuteErrors, long totalRequests, long totalTokensIn, long totalTokensOut,
      long totalErrors, long lastErrorMillis, String lastError) {}

  private static final class Counts {
    final long[] second = new long[SLOTS];
    final long[] requests = new long[SLOTS];
    final long[] tokensIn = new long[SLOTS];
    final long[] tokensOut = new long[SLOTS];
    final long[] errors = new long[SLOTS];
    long totalRequests;
    long totalIn;
    long totalOut;
    long totalErrors;
    long lastErrorMillis = -1;
    String lastError = "";
  }

  private final ConcurrentHashMap<String, Counts> byName = new ConcurrentHashMap<>();

  private Counts counts(String name) {
    Counts c = byName.get(name);
    if (c == null && byName.size() < MAX_NAMES) {
      c = byName.computeIfAbsent(name, n -> new Counts());
    }
    return c;
  }

  /** The slot of {@code second}, cleared if it last held an older one. Under the lock. */
  private static int slot(Counts c, long second) {
    int i = (int) (second % SLOTS);
    if (c.second[i] != second) {
      c.second[i] = second;
      c.requests[i] = 0;
      c.tokensIn[i] = 0;
      c.tokensOut[i] = 0;
      c.errors[i] = 0;
    }
    return i;
  }

  /** An error that is not a request's end (an attempt that was retried). */
  void error(String name, long millis, String errorClass) {
    Counts c = counts(name);
    if (c == null) {
      return;
    }
    synchronized (c) {
      c.errors[slot(c, millis / 1000)]++;
      c.totalErrors++;
      c.lastErrorMillis = millis;
      c.lastError = errorClass;
    }
  }

  void add(String name, RequestRecord r) {
    Counts c = counts(name);
    if (c == null) {
      return;
    }
    synchronized (c) {
      int i = slot(c, r.endMillis() / 1000);
      c.requests[i]++;
      c.tokensIn[i] += r.tokensIn();
      c.tokensOut[i] += r.tokensOut();
      c.totalRequests++;
      c.totalIn += r.tokensIn();
      c.totalOut += r.tokensOut();
      if (r.failed()) {
        c.errors[i]++;
        c.totalErrors++;
        c.lastErrorMillis = r.endMillis();
        c.lastError = r.errorClass().isEmpty() ? "http_" + r.status() : r.errorClass();
      }
    }
  }

  /** The figures of {@code name}; all zero when it has seen nothing. */
  Row row(String name, long nowMillis) {
    Counts c = byName.get(name);
    if (c == null) {
      return new Row(name, 0, 0, 0, 0, 0, 0, 0, 0, -1, "");
    }
    long now = nowMillis / 1000;
    long req = 0;
    long in = 0;
    long out = 0;
    long err = 0;
    synchronized (c) {
      for (int i = 0; i < SLOTS; i++) {
        if (c.second[i] > now - SLOTS && c.second[i] <= now) {
          req += c.requests[i];
          in += c.tokensIn[i];
          out += c.tokensOut[i];
          err += c.errors[i];
        }
      }
      return new Row(name, req, in, out, err, c.totalRequests, c.totalIn, c.totalOut,
          c.totalErrors, c.lastErrorMillis, c.lastError);
    }
  }

  java.util.Set<String> names() {
    return byName.keySet();
  }
}
