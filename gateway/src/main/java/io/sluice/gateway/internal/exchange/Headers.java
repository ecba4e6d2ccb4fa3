package io.sluice.gateway.internal.exchange;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Which headers cross the gateway, each way. */
public final class Headers {
  /** RFC 9110 §7.6.1 connection-specific headers, and the framing the gateway redoes itself. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade", "content-length", "content-encoding", "host");

  /** The client's credentials are for the gateway; upstream keys are set per target. */
  private static final Set<String> CLIENT_ONLY = Set.of("authorization", "x-api-key",
      "api-key", "accept-encoding", "cookie", "expect");

  private Headers() {}

  /** Client request headers to forward upstream: all but hop-by-hop and the client's secrets. */
  public static void copyRequest(MultiMap from, MultiMap to) {
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !CLIENT_ONLY.contains(name)) {
        to.add(e.getKey(), e.getValue());
      }
    }
  }

  /** Upstream response headers to copy to the client on a pass-through. */
  static void copyResponse(MultiMap from, MultiMap to) {
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !name.equals("content-type")) {
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
