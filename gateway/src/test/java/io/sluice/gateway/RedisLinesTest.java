package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.LedgerSettings;
import io.sluice.gateway.internal.ledger.Admission;
import io.sluice.gateway.internal.ledger.Claim;
import io.sluice.gateway.internal.ledger.Ledger;
import io.sluice.gateway.internal.ledger.Ledgers;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each front-door event loop sends its commands on a Redis connection of its own, opened on that
 * loop, against a real redis-server: a loop's admission is written, answered and decided without
 * another loop's help (so it is answered while every other loop is stuck), and each loop
 * reconnects on its own after Redis restarts.
 */
class RedisLinesTest {
  private static final int LOOPS = 3;
  /** Exactly the loops the test deploys on: no loop is left for a connection to hide on. */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(LOOPS));
  private final GatewayMetrics metrics = new GatewayMetrics();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Ledger ledger(RedisServer redis, Duration timeout) {
    return Ledgers.create(vertx, LedgerSettings.DEFAULTS.withRedis(redis.uri(), false)
        .withRedisTimeout(timeout), metrics);
  }

  private static Claim claim() {
    return new Claim("team", KeyLimits.NONE.withRequests(1_000_000, Duration.ofMinutes(1)), 0, 10,
        BigDecimal.ZERO, true, System.currentTimeMillis());
  }

  /**
   * One verticle per event loop that tells the ledger it started, as the gateway's listeners do,
   * and runs {@code onStart} there; their contexts, one per loop.
   */
  private List<Context> loops(Ledger ledger, Consumer<Context> onStart) throws Exception {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(context);
        ledger.loopStarted(context);
        onStart.accept(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(LOOPS)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    Set<Thread> threads = new HashSet<>();
    for (Context c : contexts) {
      threads.add(threadOf(c));
    }
    assertThat(threads).as("one verticle per event loop").hasSize(LOOPS);
    return contexts;
  }

  private static Thread threadOf(Context c) throws Exception {
    CompletableFuture<Thread> t = new CompletableFuture<>();
    c.runOnContext(v -> t.complete(Thread.currentThread()));
    return t.get(10, TimeUnit.SECONDS);
  }

  /** What one admission on {@code loop} answered, and on which thread its answer ran. */
  record Answer(Admission admission, Thread thread) {}

  private static CompletableFuture<Answer> admitOn(Context loop, Ledger ledger) {
    CompletableFuture<Answer> done = new CompletableFuture<>();
    loop.runOnContext(v -> admitHere(ledger, done));
    return done;
  }

  private static void admitHere(Ledger ledger, CompletableFuture<Answer> done) {
    ledger.admit(claim()).onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(new Answer(ar.result(), Thread.currentThread()));
      } else {
        done.completeExceptionally(ar.cause());
      }
    });
  }

  /**
   * Admits on loop {@code i} while every other loop is held in a task of the test's: were the
   * command written or answered on another loop's connection, it would wait for that loop and
   * fail at {@code state.timeout} (3 s: far above a loopback round trip on a loaded machine, far
   * below how long the other loops are held).
   */
  private static Answer admitWhileOthersAreStuck(List<Context> loops, int i, Ledger ledger)
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stuck = new CountDownLatch(loops.size() - 1);
    try {
      for (int j = 0; j < loops.size(); j++) {
        if (j != i) {
          loops.get(j).runOnContext(v -> {
            stuck.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
        }
      }
      assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
      return admitOn(loops.get(i), ledger).get(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
    }
  }

  /** Clients connected to Redis, the probe asking not counted. */
  private static int clients(RedisServer redis) {
    String list = (String) RedisProbe.call(redis, "CLIENT", "LIST");
    return (int) list.lines().filter(l -> !l.isBlank()).count() - 1;
  }

  @Test
  void eachLoopHasAConnectionOfItsOwnBesidesTheCommonOneAndTheSubscriber() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger ledger = ledger(redis, Duration.ofSeconds(2))) {
      List<Context> loops = loops(ledger, c -> {});
      Awaits.until(() -> clients(redis) == LOOPS + 2);
      for (Context loop : loops) {
        Answer a = admitOn(loop, ledger).get(10, TimeUnit.SECONDS);
        assertThat(a.admission().admitted()).isTrue();
        assertThat(a.thread()).isEqualTo(threadOf(loop));
      }
      assertThat(clients(redis)).as("requests open no connections").isEqualTo(LOOPS + 2);
    }
  }

  @Test
  void aLoopIsAnsweredOnItsOwnThreadWhileEveryOtherLoopIsStuck() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger ledger = ledger(redis, Duration.ofSeconds(3))) {
      List<Context> loops = loops(ledger, c -> {});
      Awaits.until(() -> clients(redis) == LOOPS + 2);
      for (int i = 0; i < LOOPS; i++) {
        Answer a = admitWhileOthersAreStuck(loops, i, ledger);
        assertThat(a.admission().admitted()).isTrue();
        assertThat(a.thread()).isEqualTo(threadOf(loops.get(i)));
      }
      assertThat(metrics.scrape()).doesNotContain("decision=\"closed\"");
    }
  }

  @Test
  void eachLoopReconnectsOnItsOwnAfterRedisRestarts() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger ledger = ledger(redis, Duration.ofSeconds(3))) {
      List<Context> loops = loops(ledger, c -> {});
      Awaits.until(() -> clients(redis) == LOOPS + 2);
      redis.kill();
      // Failing closed, a loop whose connection is gone refuses rather than waits.
      assertThat(admitOn(loops.get(0), ledger)).failsWithin(10, TimeUnit.SECONDS);
      redis.restart();
      Awaits.until(() -> clients(redis) == LOOPS + 2);
      for (int i = 0; i < LOOPS; i++) {
        Answer a = admitWhileOthersAreStuck(loops, i, ledger);
        assertThat(a.admission().admitted()).isTrue();
        assertThat(a.thread()).isEqualTo(threadOf(loops.get(i)));
      }
    }
  }

  @Test
  void theFirstRequestOnALoopWaitsForItsConnectionRatherThanBeingRefused() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger ledger = ledger(redis, Duration.ofSeconds(5))) {
      List<CompletableFuture<Answer>> first = new CopyOnWriteArrayList<>();
      // Asked in the task that opens the loop's connection: it cannot be connected yet.
      loops(ledger, c -> {
        CompletableFuture<Answer> f = new CompletableFuture<>();
        first.add(f);
        admitHere(ledger, f);
      });
      assertThat(first).hasSize(LOOPS);
      for (CompletableFuture<Answer> f : first) {
        assertThat(f.get(10, TimeUnit.SECONDS).admission().admitted()).isTrue();
      }
      assertThat(metrics.scrape()).doesNotContain("decision=\"closed\"");
    }
  }
}
