package io.sluice.gateway.internal.dashboard;

import java.util.List;

/**
 * What the dashboard reads of the gateway's live state (key pools, gateway keys) at each update,
 * from the objects that keep it: the dashboard keeps no books of its own.
 */
public interface GatewayView {

  /** One upstream key of a target: never the key, only its position and a short hash. */
  record UpstreamKey(String label, String shortHash, int inFlight, int concurrency,
      long coolingUntilMillis) {}

  /** One target of one route, with its key pool and queue. */
  record Upstream(String route, String target, int queued, int queueSize,
      List<UpstreamKey> keys) {}

  /** One gateway key and its limits. */
  record GatewayKey(String id, int inFlight, int concurrency, List<String> models) {}

  List<Upstream> upstreams();

  List<GatewayKey> keys();
}
