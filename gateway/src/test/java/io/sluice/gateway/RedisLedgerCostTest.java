package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.internal.ledger.Admission;
import io.sluice.gateway.internal.ledger.Claim;
import io.sluice.gateway.internal.ledger.Ledger;
import io.sluice.gateway.internal.ledger.RedisLedger;
import io.sluice.gateway.internal.ledger.SlotTake;
import io.sluice.gateway.internal.ledger.Spend;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What one keyed request costs Redis, read from a real redis-server's own counters: the
 * admission with its upstream slot, then the settlement and the slot's give, as the gateway
 * sends them, for a key with request and token limits (the load harness's key). A script body
 * sent on every request, a script that grew calls, or a command that started going out per
 * request shows here. The figures are printed: they are the profile notes' per-request counts.
 */
class RedisLedgerCostTest {
  static final int REQUESTS = 1000;
  /** Enough for the JIT to compile the path, so that the CPU figure is not the interpreter's. */
  static final int WARM = 3000;

  private static final KeyLimits LIMITS = new KeyLimits(1_000_000_000L, 1_000_000_000_000L,
      Duration.ofMinutes(1), BigDecimal.ZERO, KeyLimits.BudgetPeriod.NONE, false);

  /** INFO commandstats and stats as name to value ({@code cmdstat_x.calls}, ...). */
  static Map<String, Double> stats(RedisServer redis) {
    Map<String, Double> out = new HashMap<>();
    String info = RedisProbe.call(redis, "INFO", "commandstats") + "\n"
        + RedisProbe.call(redis, "INFO", "stats") + "\n" + RedisProbe.call(redis, "INFO", "cpu");
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon);
      for (String part : line.substring(colon + 1).split(",")) {
        int eq = part.indexOf('=');
        try {
          if (eq < 0) {
            out.put(name, Double.parseDouble(part));
          } else {
            out.put(name + "." + part.substring(0, eq), Double.parseDouble(part.substring(eq + 1)));
          }
        } catch (NumberFormatException notANumber) {
          out.putIfAbsent(name + ".text", 0.0); // a word (a mode, a name): not a figure here
        }
      }
    }
    return out;
  }

  /** One request through the ledger as the gateway makes it, on {@code loop}. */
  private static CompletableFuture<Void> request(RedisLedger ledger, Context loop, int i) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.runOnContext(v -> {
      long now = System.currentTimeMillis();
      Claim claim = new Claim("bench", LIMITS, 0, 600, BigDecimal.ZERO, false, now);
      String slot = "slot-" + i;
      ledger.admit(claim, new SlotTake("up", slot, 1_000_000)).onComplete(ar -> {
        if (ar.failed() || !ar.result().admission().admitted() || !ar.result().held()) {
          done.completeExceptionally(new AssertionError("not admitted: " + ar));
          return;
        }
        Admission a = ar.result().admission();
        ledger.slots().give("up", slot);
        ledger.settle(a.ticket(), new Ledger.Settlement("gpt-x", 120,
            new Spend(1, 100, 20, 0, 0, 0, BigDecimal.ZERO, 1, 0)));
        done.complete(null);
      });
    });
    return done;
  }

  @Test
  void aKeyedRequestCostsRedisFourCommandsAndNoScriptBody() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start(); RedisLedger ledger = new RedisLedger(vertx,
        GatewayConfig.LedgerSettings.DEFAULTS.withRedis(redis.uri(), false)
            .withRedisTimeout(Duration.ofSeconds(5)), new GatewayMetrics())) {
      Context loop = vertx.getOrCreateContext();
      ledger.loopStarted(loop);
      Promise<Thread> thread = Promise.promise();
      loop.runOnContext(v -> thread.complete(Thread.currentThread()));
      long tid = thread.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)
          .getId();
      for (int i = 0; i < WARM; i++) {
        request(ledger, loop, -1 - i).get(10, TimeUnit.SECONDS);
      }
      Awaits.until(() -> settled(redis) == WARM);
      RedisProbe.call(redis, "CONFIG", "RESETSTAT");
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory
          .getThreadMXBean();
      long bytes = allocated(tid);
      long cpu = mx.getThreadCpuTime(tid);
      double redisCpu = redisCpu(stats(redis));
      for (int i = 0; i < REQUESTS; i++) {
        request(ledger, loop, i).get(10, TimeUnit.SECONDS);
      }
      Awaits.until(() -> settled(redis) == WARM + REQUESTS);
      double allocPer = (allocated(tid) - bytes) / (double) REQUESTS;
      double cpuPer = (mx.getThreadCpuTime(tid) - cpu) / 1000.0 / REQUESTS;
      Map<String, Double> s = stats(redis);
      double commands = s.getOrDefault("total_commands_processed", 0.0) - 1; // RESETSTAT's INFO
      double redisCpuPer = (redisCpu(s) - redisCpu) * 1e6 / REQUESTS;
      StringBuilder report = new StringBuilder("per request: ")
          .append(String.format("%.1f commands (script calls included), %.0f B in, %.0f B out,"
                  + " %.0f reads, %.1f us Redis CPU; loop thread %.0f B allocated, %.1f us CPU%n",
              commands / REQUESTS, s.get("total_net_input_bytes") / REQUESTS,
              s.get("total_net_output_bytes") / REQUESTS,
              s.get("total_reads_processed") / REQUESTS, redisCpuPer, allocPer, cpuPer));
      s.forEach((k, val) -> {
        if (k.startsWith("cmdstat_") && k.endsWith(".calls")) {
          String c = k.substring(8, k.length() - 6);
          report.append(String.format("  %s: %.2f/request, %.2f us/call%n", c, val / REQUESTS,
              s.get("cmdstat_" + c + ".usec_per_call")));
        }
      });
      System.out.println(report);
      // Four scripts by SHA (admission, take, give, settlement), none by body: 2,195 B sent
      // per request before, when each EVAL carried its script. The calls inside them, for a key
      // with request and token limits: 4 + 4 + 2 + 7 (29 before). No announcement of a slot
      // given back below the key's limit.
      assertThat(s.getOrDefault("cmdstat_eval.calls", 0.0)).isZero();
      assertThat(s.get("cmdstat_evalsha.calls")).isEqualTo(4.0 * REQUESTS);
      // Slack for this test's own polls and the ledger's key refresh every 5 s.
      assertThat(commands).isLessThanOrEqualTo(21.0 * REQUESTS + 100);
      assertThat(s.getOrDefault("cmdstat_publish.calls", 0.0)).isZero();
      assertThat(s.get("total_net_input_bytes")).isLessThan(1_100.0 * REQUESTS);
      assertThat(s.get("total_reads_processed")).isLessThanOrEqualTo(3.0 * REQUESTS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Seconds of CPU the Redis process used, user and system (its main thread and the rest). */
  private static double redisCpu(Map<String, Double> s) {
    return s.get("used_cpu_user") + s.get("used_cpu_sys");
  }

  /** Bytes {@code tid} allocated, through JMX: the module does not read com.sun.management. */
  private static long allocated(long tid) throws Exception {
    return (Long) java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
        new javax.management.ObjectName("java.lang:type=Threading"), "getThreadAllocatedBytes",
        new Object[] {tid}, new String[] {"long"});
  }

  private static long settled(RedisServer redis) {
    Object n = RedisProbe.call(redis, "HGET", "sluice:{bench}:spend", "gpt-x|requests");
    return n == null ? 0 : Long.parseLong((String) n);
  }
}
