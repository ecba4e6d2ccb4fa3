package io.sluice.gateway.internal.dashboard;

import io.sluice.gateway.GatewayConfig.Target;

/**
 * What the gateway tells the dashboard as requests come and go. Every call is a few counter
 * updates, made whether or not anybody watches, so that a dashboard opened later shows the last
 * fifteen minutes; everything else (snapshots, JSON, timers) happens only while one is open.
 */
public final class Recorder {
  static final int RECENT = 500;

  final RecentRequests recent = new RecentRequests(RECENT);
  final TrafficWindow traffic = new TrafficWindow();
  final OpenStreams open = new OpenStreams();
  final Tally byKey = new Tally();
  final Tally byUpstreamKey = new Tally();
  final long startMillis = System.currentTimeMillis();

  /** A streaming request began: it shows among the open streams until {@link #streamClosed}. */
  public void streamOpened(String door, String model) {
    open.opened(door, model);
  }

  public void streamClosed(String door, String model) {
    open.closed(door, model);
  }

  /** A request ended (or was refused), with its usage entry's figures. */
  public void ended(RequestRecord r) {
    recent.add(r);
    traffic.ended(r);
    byKey.add(r.keyId(), r);
    if (!r.upstream().isEmpty()) {
      byUpstreamKey.add(upstreamName(r.upstream(), r.upstreamKey()), r);
    }
  }

  /**
   * An upstream attempt failed and the request went on to another key or target: the key's error,
   * which the request's own end (counted by {@link #ended}) would not show.
   */
  public void attemptRetried(Target target, String keyLabel, String errorClass) {
    byUpstreamKey.error(upstreamName(targetLabel(target), keyLabel), System.currentTimeMillis(),
        errorClass);
  }

  /** The target's name as the usage entries give it: kind and URL, never a query string. */
  public static String targetLabel(Target t) {
    String url = t.baseUrl();
    int query = url.indexOf('?');
    return t.kind().configName() + " " + (query < 0 ? url : url.substring(0, query));
  }

  /** The gateway's own time for an upstream attempt: from the key lease to the request sent. */
  public void upstreamSent(long addedNanos) {
    traffic.added(System.currentTimeMillis(), Math.max(0, addedNanos / 1000));
  }

  static String upstreamName(String target, String keyLabel) {
    return target + "|" + keyLabel;
  }
}
