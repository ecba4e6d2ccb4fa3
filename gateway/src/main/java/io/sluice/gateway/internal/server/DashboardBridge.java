package io.sluice.gateway.internal.server;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.internal.accounting.UsageEntry;
import io.sluice.gateway.internal.dashboard.Dashboard;
import io.sluice.gateway.internal.dashboard.GatewayView;
import io.sluice.gateway.internal.dashboard.Recorder;
import io.sluice.gateway.internal.dashboard.RequestRecord;
import io.sluice.gateway.internal.routing.TargetPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's view of the gateway: the key pools and gateway keys as they are now, and each
 * usage entry as it is written. Reads only; the dashboard decides nothing.
 */
final class DashboardBridge implements GatewayView {
  /** The first configuration's state; {@code latest} follows reloads. */
  private final GatewayState first;
  /**
   * Each target's keys as short hashes, computed once per target (equal targets have equal
   * keys): the keys themselves never leave here. Reloads add targets; bounded by them.
   */
  private final Map<Target, List<String>> hashes = new ConcurrentHashMap<>();

  private DashboardBridge(GatewayState gw) {
    this.first = gw;
  }

  private List<String> hashes(Target t) {
    return hashes.computeIfAbsent(t, x -> x.apiKeys().stream()
        .map(k -> AccessControl.sha256Hex(k).substring(0, 8)).toList());
  }

  /** The dashboard of {@code gw}, fed from its usage log. */
  static Dashboard create(GatewayState gw) {
    Recorder recorder = new Recorder();
    gw.usageLog.observe(e -> recorder.ended(record(e)));
    return new Dashboard(gw.vertx, recorder, new DashboardBridge(gw), gw.config::logContent,
        gw.config.adminKeySha256(), gw.access.open());
  }

  /**
   * Output text kept per recent request when the usage log keeps content: the ring's 500 entries
   * hold at most 1 MB of it, where the usage log's own 64 KiB each would be 64 MB.
   */
  static final int MAX_OUTPUT_CHARS = 2048;

  static RequestRecord record(UsageEntry e) {
    String output = e.outputText().length() <= MAX_OUTPUT_CHARS ? e.outputText()
        : e.outputText().substring(0, MAX_OUTPUT_CHARS) + "…";
    return new RequestRecord(e.timeMillis(), e.timeMillis() + Math.max(0, e.durationMillis()),
        e.clientKeyId(), e.route(), e.model(), e.upstream(), e.upstreamKey(), e.status(),
        e.firstTokenMillis(), e.durationMillis(), e.tokensIn(), e.tokensOut(),
        e.cacheReadTokens(), e.cacheWriteTokens(), e.reasoningTokens(), e.finishReason(),
        e.errorClass(), output);
  }

  @Override
  public List<Upstream> upstreams() {
    long nowMillis = System.currentTimeMillis();
    long nowNanos = System.nanoTime();
    GatewayState gw = first.latest.get(); // the configuration in force: reloads move it
    List<Upstream> out = new ArrayList<>();
    for (Route r : gw.config.routes()) {
      for (Target t : r.targets()) {
        TargetPool.Load load = gw.pool(t).load();
        List<String> h = hashes(t);
        List<UpstreamKey> keys = new ArrayList<>(load.inFlight().length);
        for (int i = 0; i < load.inFlight().length; i++) {
          long cooling = load.coolUntilNanos()[i] - nowNanos;
          keys.add(new UpstreamKey(h.isEmpty() ? "" : "key" + i, h.isEmpty() ? "" : h.get(i),
              load.inFlight()[i], load.concurrency(),
              cooling > 0 ? nowMillis + cooling / 1_000_000 : 0));
        }
        out.add(new Upstream(r.model(), Recorder.targetLabel(t), load.queued(), load.queueSize(), keys));
      }
    }
    return out;
  }

  @Override
  public List<GatewayKey> keys() {
    List<GatewayKey> out = new ArrayList<>();
    GatewayState gw = first.latest.get();
    for (AccessKey k : gw.config.accessKeys()) {
      out.add(new GatewayKey(k.id(), gw.access.inFlight(k), k.concurrency(), k.models()));
    }
    return out;
  }
}
