package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.GatewayConfig.LedgerSettings;
import io.sluice.gateway.KeyLimits;
import io.sluice.gateway.internal.ledger.Admission.Ticket;
import io.sluice.gateway.internal.ledger.Admission.Window;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ledger shared by every replica through Redis ({@code state.redis}), on the Vert.x Redis
 * client, which runs on the gateway's event loops: nothing here blocks. Admission and settlement
 * are one Lua script each ({@link RedisScripts}). Concurrency slots, of gateway keys and of
 * upstream keys ({@link RedisSlots}), are leases with a TTL ({@code state.lease-ttl}), renewed
 * while held, so a replica killed with {@code kill -9} leaks none. A 429 cool-down is published
 * to every replica and applied locally, so key pools read it without a round trip. Commands go
 * out pipelined on a connection of the caller's own event loop ({@link RedisLines}); a request's
 * admission and its upstream key's slot go out in one write ({@link #admit(Claim, SlotTake)}),
 * so that a request waits for Redis once before its upstream call.
 *
 * <p>When Redis does not answer within {@code state.timeout} (50 ms), {@code state.on-failure}
 * decides: fail-open admits (unshared: nothing reserved), fail-closed refuses with a 503. Each
 * decision is counted; the outage is logged once when it begins and once when it ends. The
 * client reconnects on its own: the next request that gets an answer is back on shared state.
 */
public final class RedisLedger implements Ledger {
  static final String COOL_CHANNEL = "sluice:cool";
  /** Which key made a response, for a day: continuations come within a conversation. */
  static final String AFFINITY = "sluice:resp:";
  static final long AFFINITY_TTL_MILLIS = 86_400_000L;
  /** How stale a replica's view of the runtime keys may be when it missed a change message. */
  static final long KEYS_REFRESH_MILLIS = 5_000;

  private final Vertx vertx;
  private final LedgerSettings settings;
  private final GatewayMetrics metrics;
  private final Redis client;
  private final RedisKeys keys = new RedisKeys(this::send);
  private final CoolDowns coolDowns = new CoolDowns();
  /** Leases this replica holds, by lease id to key id: renewed until settled. */
  private final ConcurrentHashMap<String, String> leases = new ConcurrentHashMap<>();
  private final AtomicBoolean down = new AtomicBoolean();
  /**
   * Lease ids are this prefix and a count: unique across replicas without a random UUID per
   * request (whose shared SecureRandom the event loops would take turns on).
   */
  private final String leasePrefix = UUID.randomUUID() + ":";
  private final java.util.concurrent.atomic.AtomicLong leaseCount =
      new java.util.concurrent.atomic.AtomicLong();
  /** Upstream key concurrency; its slots are renewed with the leases. */
  private final RedisSlots slots;
  /** {@code state.lease-ttl}: how long a lease outlives a replica that stopped renewing it. */
  private final long leaseTtl;
  private final long renewTimer;
  private final long keysTimer;
  private volatile RedisConnection subscriber;
  /** Where commands go out: a pipelined connection per front-door event loop, and a common one. */
  private final RedisLines lines;
  private volatile boolean closed;

  public RedisLedger(Vertx vertx, LedgerSettings settings, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.settings = settings;
    this.metrics = metrics;
    RedisOptions options = new RedisOptions().setConnectionString(settings.redis())
        .setMaxPoolSize(RedisLines.POOL_SIZE).setMaxPoolWaiting(4096)
        .setMaxWaitingHandlers(16_384);
    this.client = Redis.createClient(vertx, options);
    this.leaseTtl = settings.leaseTtl().toMillis();
    this.lines = new RedisLines(vertx, client, this::outage, this::refreshKeys);
    this.slots = new RedisSlots(lines::eval, this::bounded, leaseTtl, metrics, this::outage,
        this::back);
    lines.start();
    coolDowns.publishTo((id, until) -> send(request(Command.PUBLISH, List.of(COOL_CHANNEL, id + " " + until)))
        .onFailure(e -> outage(e)));
    subscribe();
    this.renewTimer = vertx.setPeriodic(leaseTtl / 3, id -> renewLeases());
    this.keysTimer = vertx.setPeriodic(KEYS_REFRESH_MILLIS, id -> refreshKeys());
  }

  @Override
  public Future<Admission> admit(Claim c) {
    String lease = c.concurrency() > 0 ? leasePrefix + leaseCount.incrementAndGet() : "";
    return bounded(lines.eval(admitCall(c, lease))).map(r -> admitted(c, lease, r))
        .recover(e -> notAdmitted(c, e));
  }

  /**
   * The admission script and the upstream slot's take leave in one write on the caller's line,
   * back to back, and come back in one read: one wake-up of Redis and one of this loop where two
   * in a row cost twice that (the slot's key is another cluster slot than the gateway key's, so
   * one script for both would tie every key of a cluster to one node). Redis takes the slot even
   * when the admission refuses: the caller gives it back then. When no answer comes in time the
   * admission's {@code state.on-failure} decides and the slot is left to the pool's own count,
   * as each would alone; the slot stays known to {@link RedisSlots} until it is given back.
   */
  @Override
  public Future<SlotTake.Answer> admit(Claim c, SlotTake take) {
    String lease = c.concurrency() > 0 ? leasePrefix + leaseCount.incrementAndGet() : "";
    return bounded(lines.evalBoth(admitCall(c, lease),
            slots.takeCall(take.key(), take.slot(), take.limit())))
        .map(r -> new SlotTake.Answer(admitted(c, lease, r.get(0)), slots.taken(r.get(1),
            take.slot())))
        .recover(e -> notAdmitted(c, e).map(a -> new SlotTake.Answer(a, slots.notTaken(e))));
  }

  private RedisLines.ScriptCall admitCall(Claim c, String lease) {
    KeyLimits l = c.limits();
    long w = l.window().toMillis();
    boolean budgeted = l.budgeted();
    long budgetPico = budgeted ? pico(l.budgetUsd()) : 0;
    long reservePico = budgeted ? pico(c.reserveUsd()) : 0;
    long periodTtl = !budgeted || l.period() == KeyLimits.BudgetPeriod.TOTAL ? 0
        : Periods.remainingMillis(l.period(), c.nowMillis()) + 86_400_000L;
    Names n = names(c.keyId());
    // Without a budget the script reads no budget key: the requests key stands in for it.
    byte[] budget = budgeted
        ? utf8(n.prefix() + "budget:" + Periods.id(l.period(), c.nowMillis())) : n.req();
    return body -> RedisScripts.ADMIT.call(body, 4).arg(n.req()).arg(n.tok()).arg(n.leases())
        .arg(budget).arg(c.nowMillis()).arg(w).arg(l.requests()).arg(l.tokens())
        .arg(l.hard() ? YES : NO).arg(c.reserveTokens()).arg(c.concurrency()).arg(budgetPico)
        .arg(reservePico).arg(c.priced() ? YES : NO).arg(lease).arg(leaseTtl).arg(periodTtl);
  }

  /** What the admission script answered, as an {@link Admission}. */
  private Admission admitted(Claim c, String lease, Response r) {
    back();
    KeyLimits l = c.limits();
    long w = l.window().toMillis();
    String refused = r.get(0).toString();
    long rs = r.get(1).toLong();
    long rn = r.get(2).toLong();
    long ts = r.get(3).toLong();
    long committed = r.get(4).toLong();
    Window requests = l.requests() > 0 ? new Window(l.requests(),
        Math.max(0, l.requests() - rn), rs + w - c.nowMillis()) : Window.NONE;
    Window tokens = l.tokens() > 0 ? new Window(l.tokens(),
        Math.max(0, l.tokens() - committed), ts + w - c.nowMillis()) : Window.NONE;
    if (refused.isEmpty()) {
      if (!lease.isEmpty()) {
        leases.put(lease, c.keyId());
      }
      return Admission.admitted(requests, tokens, new Ticket(c.keyId(), ts,
          c.reserveTokens(), l.budgeted() ? c.reserveUsd() : BigDecimal.ZERO,
          l.budgeted() ? Periods.id(l.period(), c.nowMillis()) : "", !lease.isEmpty(), l.hard(),
          lease));
    }
    return refusal(c, refused, requests, tokens, rs + w - c.nowMillis(),
        ts + w - c.nowMillis());
  }

  /** No answer in time, or an error: {@code state.on-failure} decides, and it is counted. */
  private Future<Admission> notAdmitted(Claim c, Throwable e) {
    outage(e);
    if (settings.failOpen()) {
      metrics.sharedStateUnavailable("open");
      return Future.succeededFuture(Admission.admitted(Window.NONE, Window.NONE,
          Ticket.spendOnly(c.keyId())));
    }
    metrics.sharedStateUnavailable("closed");
    return Future.failedFuture(new LedgerException(503,
        "the gateway's shared state is unavailable"));
  }

  /** The message of a refusal decided in Redis, worded as {@link Limits} words it. */
  private static Admission refusal(Claim c, String limit, Window requests, Window tokens,
      long requestsReset, long tokensReset) {
    long used = limit.equals("requests") ? c.limits().requests() : 0;
    long committed = limit.equals("tokens") ? c.limits().tokens() : 0;
    BigDecimal usd = limit.equals("budget") ? c.limits().budgetUsd() : BigDecimal.ZERO;
    int inFlight = limit.equals("concurrency") ? c.concurrency() : 0;
    Claim probe = limit.equals("unpriced") ? c
        : new Claim(c.keyId(), c.limits(), c.concurrency(), c.reserveTokens(), c.reserveUsd(),
            true, c.nowMillis());
    return Limits.refusal(probe, inFlight, used, committed, usd, requests, tokens,
            requestsReset, tokensReset)
        .orElse(Admission.refused(limit, "key '" + c.keyId() + "' reached its " + limit
            + " limit", 1000, requests, tokens));
  }

  @Override
  public void settle(Ticket t, Settlement s) {
    if (t.keyId().isEmpty()) {
      return;
    }
    if (!t.lease().isEmpty()) {
      leases.remove(t.lease());
    }
    Names n = names(t.keyId());
    Spend sp = s.spend();
    long spentPico = pico(sp.usd());
    lines.eval(body -> {
      Request settle = RedisScripts.SETTLE.call(body, 4).arg(n.tok()).arg(n.leases())
          .arg(t.period().isEmpty() ? n.tok() : utf8(n.prefix() + "budget:" + t.period()))
          .arg(n.spend())
          .arg(t.tokensWindow()).arg(t.reservedTokens()).arg(s.tokens()).arg(t.lease())
          .arg(t.period().isEmpty() ? 0 : pico(t.reservedUsd()))
          .arg(t.period().isEmpty() ? 0 : spentPico).arg(s.model())
          .arg(REQUESTS).arg(sp.requests()); // always: the model shows even at zero
      // A zero increment is a call in Redis that changes nothing: most requests read no cache.
      field(settle, IN, sp.inputTokens());
      field(settle, OUT, sp.outputTokens());
      field(settle, CACHE_READ, sp.cacheReadTokens());
      field(settle, CACHE_WRITE, sp.cacheWriteTokens());
      field(settle, REASONING, sp.reasoningTokens());
      field(settle, PICO_USD, spentPico);
      field(settle, UNPRICED, sp.unpricedRequests());
      field(settle, ESTIMATED, sp.estimatedRequests());
      return settle;
    }).onSuccess(r -> back()).onFailure(e -> {
      // Settled spend is not queued past an outage: the usage file still has every entry.
      outage(e);
      metrics.sharedStateUnavailable("settle_lost");
    });
  }

  /** Spend fields, encoded once: the client would encode each String at every settlement. */
  private static final byte[] IN = utf8("in"), OUT = utf8("out"),
      CACHE_READ = utf8("cache_read"), CACHE_WRITE = utf8("cache_write"),
      REASONING = utf8("reasoning"), PICO_USD = utf8("pico_usd"), UNPRICED = utf8("unpriced"),
      ESTIMATED = utf8("estimated"), REQUESTS = utf8("requests"), YES = utf8("1"),
      NO = utf8("0");

  private static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void field(Request settle, byte[] name, long increment) {
    if (increment != 0) {
      settle.arg(name).arg(increment);
    }
  }

  @Override
  public Future<Map<String, Spend>> spend(String keyId) {
    return RedisKeys.unavailable(send(request(Command.HGETALL, List.of(prefix(keyId) + "spend"))))
        .map(r -> {
      Map<String, Map<String, Long>> byModel = new HashMap<>();
      for (String field : r.getKeys()) {
        int bar = field.lastIndexOf('|');
        byModel.computeIfAbsent(field.substring(0, bar), m -> new HashMap<>())
            .put(field.substring(bar + 1), r.get(field).toLong());
      }
      Map<String, Spend> out = new HashMap<>();
      byModel.forEach((model, f) -> out.put(model, new Spend(f.getOrDefault("requests", 0L),
          f.getOrDefault("in", 0L), f.getOrDefault("out", 0L), f.getOrDefault("cache_read", 0L),
          f.getOrDefault("cache_write", 0L), f.getOrDefault("reasoning", 0L),
          BigDecimal.valueOf(f.getOrDefault("pico_usd", 0L), 12).stripTrailingZeros(),
          f.getOrDefault("unpriced", 0L), f.getOrDefault("estimated", 0L))));
      return out;
        });
  }

  @Override
  public Future<BigDecimal> periodSpend(String keyId, KeyLimits limits) {
    if (!limits.budgeted()) {
      return Future.succeededFuture(BigDecimal.ZERO);
    }
    String period = Periods.id(limits.period(), System.currentTimeMillis());
    return RedisKeys.unavailable(send(request(Command.HGET,
        List.of(prefix(keyId) + "budget:" + period, "s")))).map(r -> r == null
        ? BigDecimal.ZERO : BigDecimal.valueOf(r.toLong(), 12).stripTrailingZeros());
  }

  @Override
  public RuntimeKeys keys() {
    return keys;
  }

  @Override
  public CoolDowns coolDowns() {
    return coolDowns;
  }

  @Override
  public UpstreamSlots slots() {
    return slots;
  }

  @Override
  public Future<Void> remember(String responseId, String where) {
    return send(request(Command.SET, List.of(AFFINITY + responseId, where, "PX",
        Long.toString(AFFINITY_TTL_MILLIS)))).<Void>mapEmpty().onFailure(e -> {
          outage(e);
          metrics.sharedStateUnavailable("affinity_lost");
        });
  }

  /** No answer in time routes the continuation like any request: counted, never waited on. */
  @Override
  public Future<Optional<String>> madeBy(String responseId) {
    return bounded(send(request(Command.GET, List.of(AFFINITY + responseId))))
        .map(r -> Optional.ofNullable(r).map(Response::toString))
        .recover(e -> {
          outage(e);
          metrics.sharedStateUnavailable("affinity_unknown");
          return Future.succeededFuture(Optional.empty());
        });
  }

  @Override
  public Future<Void> reachable() {
    return bounded(send(Request.cmd(Command.PING))).<Void>mapEmpty()
        .recover(e -> Future.failedFuture("Redis does not answer"));
  }

  /** Keeps this replica's leases alive; a replica that dies stops, and its leases expire. */
  private void renewLeases() {
    Map<String, List<String>> byKey = new HashMap<>();
    leases.forEach((lease, key) -> byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(lease));
    long until = System.currentTimeMillis() + leaseTtl;
    slots.renew(until);
    byKey.forEach((key, held) -> lines.eval(body -> {
      Request renew = RedisScripts.RENEW.call(body, 1).arg(prefix(key) + "leases").arg(until);
      held.forEach(renew::arg);
      return renew;
    }).onFailure(this::outage));
  }

  private static Request request(Command command, List<String> args) {
    Request r = Request.cmd(command);
    for (String a : args) {
      r.arg(a);
    }
    return r;
  }

  /** Sends on the caller's event loop's own connection; the answer comes back on its context. */
  private Future<Response> send(Request request) {
    return lines.send(request);
  }

  /**
   * Gives a front-door event loop its own connection, opened now from {@code context}, so that
   * its requests' commands are written and answered on that loop, and the first of them does
   * not wait for a connect.
   */
  @Override
  public void loopStarted(io.vertx.core.Context context) {
    lines.open(context);
  }

  /**
   * {@code f}, or a failure once {@code state.timeout} passed without its answer: the timer runs
   * on the caller's event loop, so the decision comes back there like the answer would.
   */
  private <T> Future<T> bounded(Future<T> f) {
    long ms = settings.redisTimeout().toMillis();
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(ms, id -> p.tryFail(new java.util.concurrent.TimeoutException(
        "Redis did not answer within " + ms + " ms (state.timeout)")));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }

  /** Cool-downs from the other replicas; a lost subscription is opened again on its own. */
  private void subscribe() {
    if (closed) {
      return;
    }
    client.connect().onSuccess(conn -> {
      subscriber = conn;
      conn.handler(this::message);
      conn.exceptionHandler(e -> resubscribe(conn));
      conn.endHandler(v -> resubscribe(conn));
      conn.send(Request.cmd(Command.SUBSCRIBE).arg(COOL_CHANNEL).arg(RedisKeys.CHANNEL)
              .arg(RedisSlots.CHANNEL))
          .onFailure(e -> resubscribe(conn));
      refreshKeys(); // what changed while this replica was not listening
    }).onFailure(e -> {
      outage(e);
      vertx.setTimer(500, id -> subscribe());
    });
  }

  private void resubscribe(RedisConnection conn) {
    if (subscriber == conn) {
      subscriber = null;
      conn.close();
      vertx.setTimer(500, id -> subscribe());
    }
  }

  private void message(Response r) {
    if (r.size() >= 3 && "message".equals(r.get(0).toString())
        && RedisKeys.CHANNEL.equals(r.get(1).toString())) {
      refreshKeys();
    } else if (r.size() >= 3 && "message".equals(r.get(0).toString())
        && RedisSlots.CHANNEL.equals(r.get(1).toString())) {
      slots.freed(r.get(2).toString());
    } else if (r.size() >= 3 && "message".equals(r.get(0).toString())) {
      String[] parts = r.get(2).toString().split(" ");
      if (parts.length == 2) {
        try {
          coolDowns.apply(parts[0], Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
          metrics.sharedStateUnavailable("bad_message");
        }
      }
    }
  }

  private void refreshKeys() {
    if (lines.up() && !closed) {
      keys.refresh().onFailure(this::outage);
    }
  }

  /** Logged once when an outage begins, not once per request. */
  private void outage(Throwable cause) {
    if (down.compareAndSet(false, true)) {
      System.err.println("sluice gateway: shared state (Redis) unavailable: "
          + cause.getClass().getSimpleName() + "; requests are "
          + (settings.failOpen() ? "admitted without shared limits (fail-open)"
          : "refused with 503 (fail-closed)") + " until it answers again");
    }
  }

  private void back() {
    if (down.compareAndSet(true, false)) {
      System.err.println("sluice gateway: shared state (Redis) answers again");
    }
  }

  /**
   * A gateway key's Redis keys, encoded once rather than concatenated and encoded at every
   * request. The cache starts over past {@link #NAMES_CACHED} keys (runtime keys come and go).
   */
  record Names(String prefix, byte[] req, byte[] tok, byte[] leases, byte[] spend) {}

  static final int NAMES_CACHED = 10_000;
  private final ConcurrentHashMap<String, Names> names = new ConcurrentHashMap<>();

  private Names names(String keyId) {
    Names n = names.get(keyId);
    if (n == null) {
      if (names.size() >= NAMES_CACHED) {
        names.clear();
      }
      String k = prefix(keyId);
      n = new Names(k, utf8(k + "req"), utf8(k + "tok"), utf8(k + "leases"),
          utf8(k + "spend"));
      names.put(keyId, n);
    }
    return n;
  }

  /** Redis keys of a gateway key; the braces keep them in one slot of a Redis cluster. */
  private static String prefix(String keyId) {
    return "sluice:{" + keyId + "}:";
  }

  /** USD in integer pico-dollars: exact for prices with up to six decimals per million. */
  static long pico(BigDecimal usd) {
    return usd.movePointRight(12).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
  }

  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(renewTimer);
    vertx.cancelTimer(keysTimer);
    lines.close();
    RedisConnection s = subscriber;
    if (s != null) {
      s.close();
    }
    client.close();
  }
}
