package io.sluice.gateway.internal.ledger;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The connections the ledger's commands go out on: one per gateway event loop, opened from that
 * loop ({@link #open}), and one common line for every other caller (timers, admin calls made off
 * the front doors' loops, tests). A Redis connection is bound to the event loop that opened it:
 * its socket is written and read there, and a command sent from another loop is first handed
 * over to it (a task, a wake-up) and its answer handed back (another). With a line of its own, a
 * request's admission and slot take are written, answered and decided on its own loop; at 1,000
 * streams the two hand-overs per command cost more than Redis itself (docs/gateway.md). The two
 * leave in one write ({@link #batch}), so that they also cost one wake-up of Redis and of the
 * loop, not one each in a row.
 *
 * <p>Commands are pipelined on a line: Redis runs them one at a time anyway, and a pool would
 * open a connection per concurrent request (a connect storm at a burst). Each line reconnects on
 * its own after a loss, every {@link #RETRY_MILLIS} while Redis is down; until the first attempt
 * of a line has ended, a command waits for it (within its caller's {@code state.timeout}), so
 * the first requests after a start are decided on shared state rather than refused. While a
 * loop's line is reconnecting, its commands go out on any line that is up.
 */
final class RedisLines {
  /** Event loops that get a line of their own; past that, a loop shares the common line. */
  static final int MAX_LOOPS = 256;
  /** The client's pool: every loop's line, the common line and the subscriber. */
  static final int POOL_SIZE = MAX_LOOPS + 2;
  static final long RETRY_MILLIS = 200;

  private final Vertx vertx;
  private final Redis client;
  private final Consumer<Throwable> outage;
  /** The common line: for callers off the opened loops; connects from wherever it is asked. */
  private final Line common;
  /** Each opened event loop's line, by the loop's thread: a send looks up its caller's. */
  private final ConcurrentHashMap<Thread, Line> byLoop = new ConcurrentHashMap<>();
  private final AtomicInteger loops = new AtomicInteger();
  private volatile boolean closed;

  /**
   * @param outage told of each failed connection attempt (the ledger logs the outage once)
   * @param commonUp runs each time the common line (re)connects: what changed meanwhile is read
   */
  RedisLines(Vertx vertx, Redis client, Consumer<Throwable> outage, Runnable commonUp) {
    this.vertx = vertx;
    this.client = client;
    this.outage = outage;
    this.common = new Line(commonUp);
  }

  /**
   * Starts connecting the common line: apart from the constructor, since its callback may run on
   * an event loop before the ledger that made this has assigned it.
   */
  void start() {
    common.connect();
  }

  /**
   * Gives {@code context}'s event loop a line of its own and starts connecting it there, so that
   * the first request on that loop does not pay the connect. Idempotent per loop.
   */
  void open(Context context) {
    if (!context.isEventLoopContext()) {
      return;
    }
    if (Vertx.currentContext() == context) {
      openHere();
    } else {
      context.runOnContext(v -> openHere());
    }
  }

  private void openHere() {
    Thread loop = Thread.currentThread();
    if (closed || byLoop.containsKey(loop)) {
      return;
    }
    if (loops.incrementAndGet() > MAX_LOOPS) {
      loops.decrementAndGet();
      return;
    }
    Line line = new Line(() -> {});
    byLoop.put(loop, line);
    line.connect();
  }

  /**
   * Sends on the caller's own line (the common one off the opened loops). The answer comes back
   * on the caller's context: on its own line without leaving its thread, on another line through
   * one hand-over back.
   */
  Future<Response> send(Request request) {
    return on(c -> c.send(request));
  }

  /**
   * Sends {@code requests} on the caller's line in one write, back to back: Redis reads them in
   * one go and answers them together, so that they cost one wake-up of Redis and one of the
   * caller rather than one each. Fails when any of them does (each still ran in Redis).
   */
  Future<List<Response>> batch(List<Request> requests) {
    return on(c -> c.batch(requests));
  }

  /** A script's call: by SHA, or ({@code body}) with the script's body after a NOSCRIPT. */
  interface ScriptCall {
    Request request(boolean body);
  }

  /**
   * Calls a script by its SHA on the caller's line. Every line loads the scripts when it opens,
   * so a NOSCRIPT means Redis lost them since (SCRIPT FLUSH): the call is sent again with the
   * body, which Redis runs and keeps. A NOSCRIPT ran nothing, so the call runs once.
   */
  Future<Response> eval(ScriptCall call) {
    return send(call.request(false)).recover(e -> RedisScripts.unknown(e)
        ? send(call.request(true)) : Future.failedFuture(e));
  }

  /**
   * {@link #eval} of two scripts in one write ({@link #batch}). Sent again with their bodies only
   * when both answered NOSCRIPT, so that neither runs twice; when only one did (scripts flushed
   * between the two), the pair fails as when Redis does not answer.
   */
  Future<List<Response>> evalBoth(ScriptCall a, ScriptCall b) {
    return batch(List.of(a.request(false), b.request(false))).recover(e -> unknownBoth(e)
        ? batch(List.of(a.request(true), b.request(true))) : Future.failedFuture(e));
  }

  /** The batch's failure names a NOSCRIPT for each of its two commands (one line each). */
  private static boolean unknownBoth(Throwable e) {
    String m = e.getMessage();
    if (m == null) {
      return false;
    }
    int first = m.indexOf("NOSCRIPT");
    return first >= 0 && m.indexOf("NOSCRIPT", first + 1) >= 0;
  }

  private <T> Future<T> on(java.util.function.Function<RedisConnection, Future<T>> op) {
    Line own = byLoop.isEmpty() ? null : byLoop.get(Thread.currentThread());
    Line line = own != null ? own : common;
    RedisConnection c = line.connection;
    if (c == null) {
      if (!line.firstAttempt.future().isComplete()) {
        return afterFirstAttempt(line, op);
      }
      line.connect();
      c = anyUp();
      if (c == null) {
        return Future.failedFuture("not connected to Redis");
      }
    }
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return op.apply(c);
    }
    Promise<T> answer = Promise.promise();
    op.apply(c).onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        answer.handle(ar);
      } else {
        caller.runOnContext(v -> answer.handle(ar));
      }
    });
    return answer.future();
  }

  /** Right after a line is opened: the command goes once its first attempt has ended. */
  private <T> Future<T> afterFirstAttempt(Line line,
      java.util.function.Function<RedisConnection, Future<T>> op) {
    Context caller = Vertx.currentContext();
    Promise<T> later = Promise.promise();
    line.firstAttempt.future().onComplete(v -> {
      if (caller == null) {
        on(op).onComplete(later);
      } else {
        caller.runOnContext(x -> on(op).onComplete(later));
      }
    });
    return later.future();
  }

  /** A line that is up, the common one first: for a loop whose own is reconnecting. */
  private RedisConnection anyUp() {
    RedisConnection c = common.connection;
    if (c != null) {
      return c;
    }
    for (Line l : byLoop.values()) {
      c = l.connection;
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  /** True when some line is connected. */
  boolean up() {
    return anyUp() != null;
  }

  /** Lines opened for event loops (the common line not counted). */
  int loopLines() {
    return byLoop.size();
  }

  void close() {
    closed = true;
    List<Line> all = new ArrayList<>(byLoop.values());
    all.add(common);
    for (Line l : all) {
      RedisConnection c = l.connection;
      if (c != null) {
        l.connection = null;
        c.close();
      }
    }
  }

  /**
   * One pipelined connection. A loop's line is connected, reconnected and used only on its loop:
   * the connect is asked there, its retry timer and loss handlers run there.
   */
  private final class Line {
    private final Runnable up;
    private volatile RedisConnection connection;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final Promise<Void> firstAttempt = Promise.promise();

    Line(Runnable up) {
      this.up = up;
    }

    void connect() {
      if (closed || !connecting.compareAndSet(false, true)) {
        return;
      }
      client.connect().onComplete(ar -> {
        if (ar.failed()) {
          outage.accept(ar.cause());
          firstAttempt.tryComplete();
          vertx.setTimer(RETRY_MILLIS, id -> {
            connecting.set(false);
            connect();
          });
          return;
        }
        RedisConnection c = ar.result();
        if (closed) {
          c.close();
          return;
        }
        c.exceptionHandler(e -> lost(c));
        c.endHandler(v -> lost(c));
        // Before any call by SHA on this connection: Redis runs its commands in order.
        for (RedisScripts.Script s : RedisScripts.ALL) {
          c.send(s.load()).onFailure(outage::accept);
        }
        connection = c;
        connecting.set(false);
        firstAttempt.tryComplete();
        up.run();
      });
    }

    private void lost(RedisConnection c) {
      if (connection == c) {
        connection = null;
        c.close();
        connect();
      }
    }
  }
}
