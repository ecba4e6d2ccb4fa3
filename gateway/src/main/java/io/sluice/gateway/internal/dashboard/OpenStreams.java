package io.sluice.gateway.internal.dashboard;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams open now, by front door and model. An entry goes when its count reaches zero, so the map
 * holds at most as many entries as there are open streams, whatever model names clients send.
 */
final class OpenStreams {
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

  void opened(String door, String model) {
    open.compute(door + " " + model, (k, n) -> {
      AtomicInteger c = n == null ? new AtomicInteger() : n;
      c.incrementAndGet();
      return c;
    });
  }

  void closed(String door, String model) {
    open.computeIfPresent(door + " " + model, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  /** "door model" to count, sorted. */
  Map<String, Integer> now() {
    Map<String, Integer> out = new TreeMap<>();
    open.forEach((k, n) -> {
      int v = n.get();
      if (v > 0) {
        out.put(k, v);
      }
    });
    return out;
  }
}
