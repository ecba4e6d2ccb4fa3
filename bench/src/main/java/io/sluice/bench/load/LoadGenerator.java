package io.sluice.bench.load;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Streaming clients on Vert.x's HttpClient (a few event loops for thousands of connections; the
 * JDK HttpClient needs a thread per stream's body and would measure itself). Each of N slots runs
 * one streaming request after another over a kept-alive connection (a closed loop) from the start
 * of the ramp until the end of the measured window, and records, per stream:
 *
 * <ul>
 *   <li>time to first token: from just before the request is handed to the client to the end of
 *       the first event that carries text, for streams that start inside the window;
 *   <li>every gap between two consecutive text-carrying events that ends inside the window.
 * </ul>
 *
 * <p>Streams per second and events per second count completions and text events inside the
 * window. The caller samples the servers' CPU and memory at the window's edges ({@link Probe}).
 */
final class LoadGenerator implements AutoCloseable {
  private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(600);
  /**
   * {@code -Dsluice.bench.timeline=true}: each phase prints, per second of its start, how many
   * streams started and their time to first token, ramp and warm-up included, to stderr: where
   * a run's time goes, which its window's figures cannot say.
   */
  private static final boolean TIMELINE = Boolean.getBoolean("sluice.bench.timeline");
  private static final int TIMELINE_SECONDS = 120;

  private final Vertx vertx;
  private final Context[] contexts;

  LoadGenerator(int eventLoops) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    this.contexts = new Context[eventLoops];
    for (int i = 0; i < eventLoops; i++) {
      contexts[i] = vertx.getOrCreateContext();
    }
  }

  /** Where the streams go. */
  record Endpoint(String name, String host, int port, String path, Map<String, String> headers) {}

  /** How many streams, asking for what, for how long. */
  record Phase(int streams, String body, String mockHeader, long rampNanos, long warmupNanos,
      long windowNanos, int minCompleted, long streamIdleMillis) {}

  /**
   * The longest a window is stretched to see {@code minCompleted} streams end: a bound, so that a
   * broken server fails the run instead of hanging it.
   */
  private static final long MAX_STRETCH_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** Called at the start and at the end of the measured window, off the event loops. */
  interface Probe {
    void windowStarts();

    void windowEnds(int openStreams);
  }

  /** What the clients saw in the window. */
  record Result(Histogram ttft, Histogram gaps, long completed, long textEvents, long errors,
      long incomplete, double windowSeconds, int openAtEnd, String firstError) {

    double streamsPerSecond() {
      return completed / windowSeconds;
    }

    double eventsPerSecond() {
      return textEvents / windowSeconds;
    }
  }

  Result run(Endpoint endpoint, Phase phase, Probe probe) {
    HttpClientAgent client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setPipelining(false).setConnectTimeout(30_000)
            .setMaxInitialLineLength(64 * 1024),
        new PoolOptions().setHttp1MaxSize(phase.streams()));
    Run run = new Run(client, endpoint, phase);
    long start = System.nanoTime();
    run.phaseStart = start;
    run.measureFrom = start + phase.rampNanos() + phase.warmupNanos();
    run.measureTo = run.measureFrom + phase.windowNanos();
    for (int i = 0; i < phase.streams(); i++) {
      long delayMs =
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(phase.rampNanos() * i / phase.streams()));
      Context ctx = contexts[i % contexts.length];
      ctx.runOnContext(v -> vertx.setTimer(delayMs, id -> run.next()));
    }
    parkUntil(run.measureFrom);
    probe.windowStarts();
    parkUntil(run.measureTo);
    // A window may be stretched until enough streams have ended in it (the smoke test asks for a
    // few): on a busy machine a fixed second can pass with none. The window stays open while it
    // is stretched, or what ends in the stretch would not count and it could never end early.
    long limit = run.measureTo + MAX_STRETCH_NANOS;
    String stall = "";
    if (run.completed.sum() < phase.minCompleted()) {
      run.measureTo = limit;
      long stallNanos = stallNanos(phase);
      while (run.completed.sum() < phase.minCompleted() && System.nanoTime() < limit) {
        long quiet = System.nanoTime() - run.lastProgress;
        if (quiet > stallNanos) {
          stall = "no stream made progress for " + TimeUnit.NANOSECONDS.toMillis(quiet) + " ms";
          break;
        }
        parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10));
      }
      run.measureTo = System.nanoTime();
    }
    double windowSeconds = (run.measureTo - run.measureFrom) / 1e9;
    int open = run.open.get();
    run.stopped = true;
    probe.windowEnds(open);
    await(client.close());
    if (TIMELINE) {
      run.printTimeline(endpoint.name());
    }
    Result result = new Result(run.ttft, run.gaps, run.completed.sum(), run.textEvents.sum(),
        run.errors.sum(), run.incomplete.sum(), windowSeconds, open, run.firstError);
    if (result.completed() < phase.minCompleted()) {
      throw new Stalled(endpoint.name() + ": " + result.completed() + " of the "
          + phase.minCompleted() + " streams asked for ended in a window of "
          + String.format("%.1f", windowSeconds) + " s"
          + (stall.isEmpty() ? "" : " (" + stall + ")") + "; " + run.sent.sum()
          + " requests sent, " + run.answered.sum() + " answered, " + result.textEvents()
          + " text events, " + result.errors() + " errors, " + result.incomplete()
          + " incomplete, " + open + " open at the end; first error: "
          + (run.firstError == null ? "none" : run.firstError));
    }
    return result;
  }

  /**
   * How long no stream may make progress (a text event, an end: an answer that stalls or an error
   * is none) before a stretched window gives up: a stalled server fails the run in seconds, not at
   * the bound.
   */
  static long stallNanos(Phase phase) {
    // A cold JVM on a loaded machine was seen to take 8 to 9 s to its first answer.
    return TimeUnit.MILLISECONDS.toNanos(Math.max(2 * phase.streamIdleMillis() + 1_000, 15_000));
  }

  /** A phase in which fewer streams ended than it asked for: the run's figures would mean nothing. */
  static final class Stalled extends IllegalStateException {
    Stalled(String message) {
      super(message);
    }
  }

  private static void await(io.vertx.core.Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Closing: whatever is left open goes with the event loops.
    }
  }

  static void parkUntil(long nanoTime) {
    for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /** The state of one phase, shared by its slots. */
  private final class Run {
    final HttpClientAgent client;
    final RequestOptions options;
    final Buffer body;
    final ConcurrentHistogram ttft = new ConcurrentHistogram(HIGHEST_NANOS, 3);
    final ConcurrentHistogram gaps = new ConcurrentHistogram(HIGHEST_NANOS, 3);
    final LongAdder completed = new LongAdder();
    final LongAdder textEvents = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder incomplete = new LongAdder();
    final AtomicInteger open = new AtomicInteger();
    final LongAdder sent = new LongAdder();
    final LongAdder answered = new LongAdder();
    final ConcurrentHistogram[] timeline = new ConcurrentHistogram[TIMELINE ? TIMELINE_SECONDS : 0];
    volatile long phaseStart = System.nanoTime();
    /** When a stream last got a text event or an end. */
    volatile long lastProgress = System.nanoTime();
    volatile boolean stopped;
    volatile String firstError;
    volatile long measureFrom;
    volatile long measureTo;

    Run(HttpClientAgent client, Endpoint endpoint, Phase phase) {
      this.client = client;
      this.body = Buffer.buffer(phase.body());
      this.options = new RequestOptions().setMethod(HttpMethod.POST).setHost(endpoint.host())
          .setPort(endpoint.port()).setURI(endpoint.path())
          .putHeader("content-type", "application/json")
          .putHeader("accept", "text/event-stream")
          .putHeader("x-sluice-mock", phase.mockHeader())
          // A stream silent this long fails and its slot starts the next, so that one stuck
          // stream cannot quietly take a slot out of the load for the rest of the phase; a
          // request that waits as long for a connection fails too, instead of waiting unseen.
          .setIdleTimeout(phase.streamIdleMillis())
          .setConnectTimeout(phase.streamIdleMillis());
      endpoint.headers().forEach(options::putHeader);
    }

    void recordTimeline(long started, long ttftNanos) {
      int second = (int) ((started - phaseStart) / 1_000_000_000L);
      if (second < 0 || second >= timeline.length) {
        return;
      }
      ConcurrentHistogram h = timeline[second];
      if (h == null) {
        synchronized (timeline) {
          h = timeline[second];
          if (h == null) {
            h = timeline[second] = new ConcurrentHistogram(HIGHEST_NANOS, 2);
          }
        }
      }
      h.recordValue(Math.min(ttftNanos, HIGHEST_NANOS));
    }

    void printTimeline(String name) {
      StringBuilder sb = new StringBuilder("timeline " + name
          + " (second of start: streams with a first token, TTFT p50 / p99 / max ms)\n");
      for (int i = 0; i < timeline.length; i++) {
        ConcurrentHistogram h = timeline[i];
        if (h != null) {
          sb.append(String.format("  %3d: %6d  %9.2f %9.2f %9.2f%n", i, h.getTotalCount(),
              h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
              h.getMaxValue() / 1e6));
        }
      }
      System.err.print(sb);
    }

    boolean inWindow(long now) {
      return now >= measureFrom && now < measureTo;
    }

    void next() {
      if (stopped) {
        return;
      }
      new Stream(this).send();
    }

    void failed(String why) {
      if (stopped) {
        return;
      }
      errors.increment();
      if (firstError == null) {
        firstError = why;
      }
      vertx.setTimer(100, id -> next());
    }
  }

  /** One streaming request. Its callbacks all run on one event loop. */
  private static final class Stream implements StreamScanner.Listener {
    final Run run;
    final StreamScanner scanner = new StreamScanner(this);
    long started;
    long lastText;
    boolean done;
    boolean recordTtft;

    Stream(Run run) {
      this.run = run;
    }

    void send() {
      started = System.nanoTime();
      recordTtft = run.inWindow(started);
      run.sent.increment();
      run.client.request(run.options)
          .compose(req -> req.send(run.body))
          .onComplete(ar -> {
            if (ar.failed()) {
              run.failed(String.valueOf(ar.cause()));
            } else {
              receive(ar.result());
            }
          });
    }

    void receive(HttpClientResponse response) {
      if (response.statusCode() != 200) {
        int status = response.statusCode();
        response.body().onComplete(b -> run.failed("status " + status + ": "
            + (b.succeeded() ? b.result().toString() : "")));
        return;
      }
      run.open.incrementAndGet();
      run.answered.increment();
      response.handler(buf -> {
        for (int i = 0, n = buf.length(); i < n; i++) {
          scanner.accept(buf.getByte(i));
        }
      });
      response.exceptionHandler(e -> {
        run.open.decrementAndGet();
        run.failed(String.valueOf(e));
      });
      response.endHandler(v -> {
        run.open.decrementAndGet();
        run.lastProgress = System.nanoTime();
        if (run.inWindow(System.nanoTime())) {
          if (done) {
            run.completed.increment();
          } else {
            run.incomplete.increment();
          }
        }
        run.next();
      });
    }

    @Override
    public void onEvent(boolean text, boolean end) {
      if (end) {
        done = true;
      }
      if (!text) {
        return;
      }
      long now = System.nanoTime();
      run.lastProgress = now;
      if (lastText == 0) {
        if (TIMELINE) {
          run.recordTimeline(started, now - started);
        }
        if (recordTtft) {
          run.ttft.recordValue(Math.min(now - started, HIGHEST_NANOS));
        }
      } else if (run.inWindow(now)) {
        run.gaps.recordValue(Math.min(now - lastText, HIGHEST_NANOS));
      }
      if (run.inWindow(now)) {
        run.textEvents.increment();
      }
      lastText = now;
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
