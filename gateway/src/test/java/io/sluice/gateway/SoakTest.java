package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams through the gateway to the simulated provider with random faults and random client
 * disconnects, then checks that nothing leaked and nothing was lost: see docs/reliability.md.
 *
 * <p>System properties: {@code sluice.soak.streams} (default 3000), {@code sluice.soak.concurrency}
 * (64), {@code sluice.soak.max-seconds} (60: the run stops starting streams after this and
 * fails), {@code sluice.soak.seed} (1). The default is the short version that runs in every build;
 * {@code ./mvnw -Psoak -pl gateway -am verify} runs 100,000.
 */
class SoakTest {
  private static final int STREAMS = Integer.getInteger("sluice.soak.streams", 3000);
  private static final int CONCURRENCY = Integer.getInteger("sluice.soak.concurrency", 64);
  private static final int MAX_SECONDS = Integer.getInteger("sluice.soak.max-seconds", 60);
  private static final long SEED = Long.getLong("sluice.soak.seed", 1);
  /** Heap after the run may exceed the baseline by this much (pools, JIT, meters by route). */
  private static final long HEAP_MARGIN = 32L * 1024 * 1024;
  private static final int MODELS = 16;
  private static final int[] TOKENS = {8, 40};

  /** What one stream was asked to suffer. */
  enum Fault { NONE, DROP, STALL, ERROR, MALFORMED, RETRIED_503, STATUS_400, CLIENT_LEAVES }

  record Plan(int index, int model, int tokens, Fault fault, int at) {
    String header() {
      String base = "tokens=" + tokens;
      switch (fault) {
        case DROP:
          return base + ", fault=drop-after:" + at;
        case STALL:
          return base + ", fault=stall-after:" + at;
        case ERROR:
          return base + ", fault=error-after:" + at;
        case MALFORMED:
          return base + ", fault=malformed-after:" + at;
        case RETRIED_503:
          return base + ", fault=status:503;times=1, id=s" + index;
        case STATUS_400:
          return base + ", fault=status:400";
        case CLIENT_LEAVES:
          // The mock holds the stream after k events, so that the client, which leaves once it
          // has read them, leaves mid-stream: the rest of the answer never came. (Paced tokens
          // raced the 1 s idle timeout on a loaded machine.) The id names it in the mock's log.
          return base + ", fault=stall-after:" + at + ", id=leave-" + index;
        default:
          return base;
      }
    }

    String body() {
      return "{\"model\":\"soak-" + model + "\",\"stream\":true,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me about " + model + "\"}]}";
    }

    String key() {
      return model + "/" + tokens;
    }
  }

  static Plan plan(Random random, int index) {
    int model = random.nextInt(MODELS);
    int tokens = TOKENS[random.nextInt(TOKENS.length)];
    int roll = random.nextInt(100);
    Fault fault = roll < 52 ? Fault.NONE : roll < 55 ? Fault.STALL : roll < 65 ? Fault.DROP
        : roll < 73 ? Fault.ERROR
        : roll < 78 ? Fault.MALFORMED : roll < 85 ? Fault.RETRIED_503
        : roll < 90 ? Fault.STATUS_400 : Fault.CLIENT_LEAVES;
    return new Plan(index, model, tokens, fault, 1 + random.nextInt(tokens));
  }

  private static final Pattern CONTENT =
      Pattern.compile("\"delta\":\\{(?:\"role\":\"assistant\",)?\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** What a client read from one stream. */
  record Read(int status, String text, int dones, int errors) {
    static Read of(int status, String body) {
      StringBuilder text = new StringBuilder();
      int dones = 0;
      int errors = 0;
      for (String event : body.split("\n\n")) {
        if (event.equals("data: [DONE]")) {
          dones++;
        } else if (event.contains("\"finish_reason\":\"error\"")) {
          errors++;
        } else {
          Matcher m = CONTENT.matcher(event);
          if (m.find()) {
            text.append(m.group(1));
          }
        }
      }
      return new Read(status, text.toString(), dones, errors);
    }
  }

  private final Queue<String> problems = new ConcurrentLinkedQueue<>();
  private final AtomicInteger problemCount = new AtomicInteger();

  private void problem(String what) {
    if (problemCount.incrementAndGet() <= 20) {
      problems.add(what);
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES) // bounded by sluice.soak.max-seconds instead
  void manyStreamsWithRandomFaultsLeakNothingAndLoseNothing() throws Exception {
    int fdBaseline = Sockets.openFileDescriptors();
    LongAdder logLines = new LongAdder();
    Map<String, LongAdder> logged = new ConcurrentHashMap<>();
    Pattern statusAndError = Pattern.compile("^\\S+ \\S+ (\\d+) .*?(?: error=(\\S+))?$");
    Vertx clientVertx = Vertx.vertx();
    long started;
    long elapsedMillis;
    long heapBaseline;
    long heapAfter;
    Map<Fault, LongAdder> outcomes = new ConcurrentHashMap<>();
    Queue<String> cutAtTheMock = new ConcurrentLinkedQueue<>();
    try (MockProvider mock = MockProvider.start(MockOptions.defaults().withRequestLog(line -> {
      if (line.contains("id=leave-") && line.endsWith(" cut")) {
        cutAtTheMock.add(line);
      }
    }));
        Gateway gateway = Gateway.start(GatewayConfig.of(List.of(new Route("*", List.of(
                Target.of(UpstreamKind.SAME_AS_CLIENT, mock.baseUrl())))))
            .withLimits(GatewayLimits.defaults().withConcurrency(CONCURRENCY * 2, CONCURRENCY)
                // a stalled stream ends after 1 s of silence: short for the soak, long enough
                // that a busy machine's pauses are not taken for stalls
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1))),
            line -> {
              logLines.increment();
              Matcher m = statusAndError.matcher(line);
              String key = m.matches() ? m.group(1) + (m.group(2) == null ? "" : " " + m.group(2))
                  : "unparsed";
              logged.computeIfAbsent(key, k -> new LongAdder()).increment();
            })) {
      HttpClient http = clientVertx.createHttpClient(new HttpClientOptions()
          .setDefaultHost("127.0.0.1").setKeepAlive(true), new PoolOptions()
          .setHttp1MaxSize(CONCURRENCY));

      // The mock is deterministic: the same model and messages give the same text. Ask it once
      // directly for each text the soak uses.
      Map<String, String> expected = new ConcurrentHashMap<>();
      for (int model = 0; model < MODELS; model++) {
        for (int tokens : TOKENS) {
          Plan p = new Plan(-1, model, tokens, Fault.NONE, 0);
          Read direct = call(http, mock.port(), p, -1).toCompletionStage().toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
          assertThat(direct.dones()).isEqualTo(1);
          expected.put(p.key(), direct.text());
        }
      }
      for (int i = 0; i < 200; i++) { // warm up before the heap baseline
        call(http, gateway.port(), new Plan(i, i % MODELS, 8, Fault.NONE, 0), -1)
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      Awaits.until(() -> logLines.sum() == 200);
      logLines.reset();
      logged.clear();
      heapBaseline = usedHeapAfterGc();

      Random random = new Random(SEED);
      Semaphore permits = new Semaphore(CONCURRENCY);
      started = System.nanoTime();
      long deadline = started + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
      int sent = 0;
      for (; sent < STREAMS && System.nanoTime() < deadline; sent++) {
        Plan p = plan(random, sent);
        int leaveAfter = p.fault() == Fault.CLIENT_LEAVES ? p.at() : -1;
        permits.acquire();
        call(http, gateway.port(), p, leaveAfter).onComplete(r -> {
          permits.release();
          if (r.failed()) {
            if (p.fault() != Fault.CLIENT_LEAVES) {
              problem(p + ": " + r.cause());
            }
          } else {
            check(p, r.result(), expected.get(p.key()));
          }
          outcomes.computeIfAbsent(p.fault(), k -> new LongAdder()).increment();
        });
      }
      assertThat(permits.tryAcquire(CONCURRENCY, 60, TimeUnit.SECONDS)).isTrue();
      elapsedMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(sent).as("streams started within %d s", MAX_SECONDS).isEqualTo(STREAMS);

      int total = sent;
      Awaits.until(() -> logLines.sum() >= total);
      http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      // Nothing open between the client and the gateway; the gateway keeps at most its idle
      // keep-alive connections to the upstream, never more than the streams it ran at once.
      Awaits.until(() -> Sockets.serverSide(gateway.port()) <= 0);
      assertThat(Sockets.serverSide(mock.port())).isLessThanOrEqualTo(2 * CONCURRENCY);
      heapAfter = usedHeapAfterGc();
      assertThat(problems).as("%d problems", problemCount.get()).isEmpty();
      assertThat(logLines.sum()).as("request log lines").isEqualTo(total);
      long leaves = count(outcomes, Fault.CLIENT_LEAVES);
      long failedInStream = count(outcomes, Fault.DROP) + count(outcomes, Fault.ERROR);
      assertThat(count(logged, "200 timeout")).isEqualTo(count(outcomes, Fault.STALL));
      // Each client that left mid-stream is logged as such, and its upstream call was cut.
      assertThat(count(logged, "499 client_closed")).as("log %s, outcomes %s", logged, outcomes)
          .isEqualTo(leaves).isPositive();
      Awaits.until(() -> cutAtTheMock.size() >= leaves);
      assertThat(cutAtTheMock).hasSize((int) leaves);
      assertThat(count(logged, "400 http_400")).isEqualTo(count(outcomes, Fault.STATUS_400));
      assertThat(count(logged, "200 transport_error") + count(logged, "200 server_error"))
          .isEqualTo(failedInStream);
      assertThat(count(logged, "200 malformed_event")).isEqualTo(count(outcomes, Fault.MALFORMED));
      assertThat(heapAfter).as("heap after GC vs baseline %d", heapBaseline)
          .isLessThanOrEqualTo(heapBaseline + HEAP_MARGIN);
      System.out.printf(java.util.Locale.ROOT,
          "soak: %d streams, concurrency %d, %d ms (%.0f streams/s); outcomes %s; log %s; "
              + "heap baseline %d MiB, after %d MiB%n",
          total, CONCURRENCY, elapsedMillis, total * 1000.0 / elapsedMillis, outcomes, logged,
          heapBaseline >> 20, heapAfter >> 20);
    } finally {
      clientVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (fdBaseline >= 0) {
      // Every socket, pipe and selector of the gateway, the mock and the client is released.
      Awaits.until(() -> Sockets.openFileDescriptors() <= fdBaseline + 8);
      System.out.printf("soak: open file descriptors %d before, %d after%n", fdBaseline,
          Sockets.openFileDescriptors());
    }
  }

  private static long count(Map<?, LongAdder> counts, Object key) {
    LongAdder n = counts.get(key);
    return n == null ? 0 : n.sum();
  }

  /** Checks one stream's content: complete streams exactly, cut streams as a prefix. */
  private void check(Plan p, Read r, String text) {
    switch (p.fault()) {
      case STATUS_400:
        if (r.status() != 400) {
          problem(p + ": status " + r.status());
        }
        return;
      case DROP:
      case STALL:
      case ERROR:
        if (r.status() != 200 || r.dones() != 1 || r.errors() != 1 || !text.startsWith(r.text())) {
          problem(p + ": " + r);
        }
        return;
      case CLIENT_LEAVES:
        if (!text.startsWith(r.text())) {
          problem(p + ": " + r);
        }
        return;
      default: // NONE, MALFORMED (passed through; every valid event arrives), RETRIED_503
        if (r.status() != 200 || r.dones() != 1 || r.errors() != 0 || !r.text().equals(text)) {
          problem(p + ": " + r + " expected " + text);
        }
    }
  }

  /**
   * One streaming call; with {@code leaveAfter >= 0} the client resets the connection once it has
   * that many events and the future fails.
   */
  private static Future<Read> call(HttpClient http, int port, Plan p, int leaveAfter) {
    Promise<Read> result = Promise.promise();
    http.request(HttpMethod.POST, port, "127.0.0.1", "/v1/chat/completions").onFailure(
        result::tryFail).onSuccess(req -> {
          req.putHeader("content-type", "application/json");
          req.putHeader("x-sluice-mock", p.header());
          req.send(Buffer.buffer(p.body())).onFailure(result::tryFail).onSuccess(resp -> {
            Buffer body = Buffer.buffer();
            resp.handler(chunk -> {
              body.appendBuffer(chunk);
              if (leaveAfter >= 0 && events(body) >= leaveAfter) {
                result.tryComplete(Read.of(resp.statusCode(), cutAtLastEvent(body.toString())));
                req.reset();
              }
            });
            resp.exceptionHandler(result::tryFail);
            resp.endHandler(v -> result.tryComplete(Read.of(resp.statusCode(), body.toString())));
          });
        });
    return result.future();
  }

  private static int events(Buffer body) {
    String s = body.toString();
    int n = 0;
    for (int i = s.indexOf("\n\n"); i >= 0; i = s.indexOf("\n\n", i + 2)) {
      n++;
    }
    return n;
  }

  private static String cutAtLastEvent(String body) {
    int end = body.lastIndexOf("\n\n");
    return end < 0 ? "" : body.substring(0, end + 2);
  }

  private static long usedHeapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
