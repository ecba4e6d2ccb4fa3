package io.sluice.gateway.internal.exchange;

import io.sluice.gateway.internal.upstream.ProviderHeaders;
import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Which headers of an upstream answer reach the client, and the head of an event stream. */
final class Headers {
  private Headers() {}

  /**
   * Upstream response headers to copy to the client's {@code to} on a pass-through, each value
   * through {@code mask}. The gateway's own rate-limit headers, already in {@code to} for a key
   * with limits, speak for the client's key; the upstream's speak for the gateway's upstream
   * account and never join them. Those the gateway did not set pass, every value of them.
   */
  static void copyResponse(MultiMap from, MultiMap to, UnaryOperator<String> mask) {
    Set<String> ours = null;
    for (Map.Entry<String, String> e : from) {
      if (rateLimit(e.getKey()) && to.contains(e.getKey())) {
        if (ours == null) {
          ours = new HashSet<>();
        }
        ours.add(e.getKey().toLowerCase(Locale.ROOT));
      }
    }
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if ((ours == null || !ours.contains(name)) && !ProviderHeaders.HOP_BY_HOP.contains(name)
          && !name.equals("content-type")) {
        to.add(e.getKey(), mask.apply(e.getValue()));
      }
    }
  }

  private static boolean rateLimit(String name) {
    return name.regionMatches(true, 0, "x-ratelimit-", 0, 12)
        || name.regionMatches(true, 0, "anthropic-ratelimit-", 0, 20);
  }

  /** On a translation only the request ids say something true about the new body. */
  static void copyRequestIds(MultiMap from, MultiMap to, UnaryOperator<String> mask) {
    for (String name : REQUEST_IDS) {
      String v = from.get(name);
      if (v != null) {
        to.set(name, mask.apply(v));
      }
    }
  }

  private static final String[] REQUEST_IDS = {"x-request-id", "request-id"};

  static void sseHeaders(MultiMap to) {
    to.set("Content-Type", "text/event-stream; charset=utf-8");
    to.set("Cache-Control", "no-cache");
    to.set("X-Accel-Buffering", "no");
  }
}
