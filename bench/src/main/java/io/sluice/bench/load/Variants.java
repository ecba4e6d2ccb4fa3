package io.sluice.bench.load;

import io.sluice.gateway.Gateway;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.UpstreamKind;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The plain gateway with one feature at work, to measure beside {@code sluice} in the same run what
 * that feature costs. {@code dashboard}: {@value #VIEWERS} dashboards watch the live feed for the
 * whole run; {@code reload}: the configuration is reloaded every second, a route added and removed
 * in turn. What the feature's driver does (the viewers reading their updates, the reload timer) runs
 * in the gateway's JVM and is charged to it: a conservative cost. Tracing ({@code traced}) is set up
 * in {@link ServerMain}, which owns the configuration it changes.
 */
final class Variants {
  static final Set<String> NAMES = Set.of("traced", "dashboard", "reload");
  static final int VIEWERS = 50;
  static final long RELOAD_MILLIS = 1000;

  private Variants() {}

  /** Starts what {@code name} needs around {@code gateway}; closing it stops that, then the gateway. */
  static AutoCloseable around(String name, Gateway gateway, GatewayConfig config) {
    return switch (name) {
      case "dashboard" -> dashboards(gateway);
      case "reload" -> reloads(gateway, config);
      default -> gateway;
    };
  }

  private static AutoCloseable dashboards(Gateway gateway) {
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions(),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(VIEWERS));
    AtomicLong bytes = new AtomicLong();
    for (int i = 0; i < VIEWERS; i++) {
      client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
              .setPort(gateway.port()).setURI("/dashboard/events"))
          .compose(req -> req.send())
          .onSuccess(res -> {
            if (res.statusCode() != 200) {
              System.err.println("dashboard viewer refused: " + res.statusCode());
            }
            res.handler(b -> bytes.addAndGet(b.length()));
            res.endHandler(v -> System.err.println("dashboard viewer closed by the gateway"));
          })
          .onFailure(e -> System.err.println("dashboard viewer failed: " + e));
    }
    return () -> {
      // Referenced here so that it lives as long as the run: an unreachable client is closed.
      client.close();
      System.err.println("dashboard viewers read " + bytes.get() + " bytes");
      vertx.close();
      gateway.close();
    };
  }

  private static AutoCloseable reloads(Gateway gateway, GatewayConfig config) {
    List<Route> more = new ArrayList<>(config.routes());
    // A route of its own with a target of its own: each reload adds or retires a key pool.
    more.add(0, new Route("reload-probe", List.of(Target.of(UpstreamKind.OPENAI_CHAT,
        config.routes().get(0).targets().get(0).baseUrl()))));
    GatewayConfig other = new GatewayConfig(config.host(), config.port(), more,
        config.accessKeys(), config.limits(), config.usageLog(), config.logContent(),
        config.adminKeySha256(), config.allowedHosts(), config.allowedOrigins(),
        config.publicWithoutKeys(), config.ledger(), config.telemetry());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-reload");
      t.setDaemon(true);
      return t;
    });
    AtomicLong done = new AtomicLong();
    timer.scheduleAtFixedRate(() -> {
      try {
        gateway.reload(done.getAndIncrement() % 2 == 0 ? other : config);
      } catch (RuntimeException e) {
        System.err.println("reload failed: " + e);
      }
    }, RELOAD_MILLIS, RELOAD_MILLIS, TimeUnit.MILLISECONDS);
    return () -> {
      timer.shutdownNow();
      System.err.println("reloads: " + done.get());
      gateway.close();
    };
  }
}
