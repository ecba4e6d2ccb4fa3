package io.sluice.gateway.internal.exchange;

import io.sluice.gateway.internal.upstream.ProviderHeaders;
import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Map;

/** Which headers of an upstream answer reach the client, and the head of an event stream. */
final class Headers {
  private Headers() {}

  /** Upstream response headers to copy to the client on a pass-through. */
  static void copyResponse(MultiMap from, MultiMap to) {
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      // The gateway's own rate-limit headers, set for a key with limits, speak for the client's
      // key; the upstream's speak for the gateway's upstream account and never replace them.
      boolean ours = (name.startsWith("x-ratelimit-") || name.startsWith("anthropic-ratelimit-"))
          && to.contains(name);
      if (!ours && !ProviderHeaders.HOP_BY_HOP.contains(name) && !name.equals("content-type")) {
        to.add(e.getKey(), e.getValue());
      }
    }
  }

  /** On a translation only the request ids say something true about the new body. */
  static void copyRequestIds(MultiMap from, MultiMap to) {
    for (String name : new String[] {"x-request-id", "request-id"}) {
      String v = from.get(name);
      if (v != null) {
        to.set(name, v);
      }
    }
  }

  static void sseHeaders(MultiMap to) {
    to.set("Content-Type", "text/event-stream; charset=utf-8");
    to.set("Cache-Control", "no-cache");
    to.set("X-Accel-Buffering", "no");
  }
}
