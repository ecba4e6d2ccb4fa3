package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.KeyLimits;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Runtime keys shared by every replica: one Redis hash of key id to the key as JSON (its secret
 * only as a hash). Changes are atomic scripts that also publish the key's id, and each replica
 * reloads its local view when it hears one, and every {@link RedisLedger#KEYS_REFRESH_MILLIS}
 * in case it missed one while its subscription was down. Authentication reads that view and never
 * waits on Redis.
 */
final class RedisKeys implements RuntimeKeys {
  static final String HASH = "sluice:keys";
  static final String MADE = "sluice:keys:made";
  static final String CHANNEL = "sluice:keys:changed";

  /** KEYS: the hash, the made flag. ARGV: id, key JSON, channel. 1 made; 0 the id is taken. */
  private static final String CREATE = """
      if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
      redis.call('SET', KEYS[2], '1')
      redis.call('PUBLISH', ARGV[3], ARGV[1])
      return 1
      """;

  /**
   * KEYS: the hash. ARGV: id, the JSON the change was made from, the new JSON, channel. 1
   * changed; 0 someone changed it first (read again); -1 no such key.
   */
  private static final String UPDATE = """
      local now = redis.call('HGET', KEYS[1], ARGV[1])
      if not now then return -1 end
      if now ~= ARGV[2] then return 0 end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
      redis.call('PUBLISH', ARGV[4], ARGV[1])
      return 1
      """;

  /** KEYS: the hash. ARGV: id, channel. 1 revoked; 0 no such key. */
  private static final String REVOKE = """
      if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
      redis.call('PUBLISH', ARGV[2], ARGV[1])
      return 1
      """;

  private static final int MAX_UPDATE_TRIES = 8;

  private final Function<Request, Future<Response>> send;
  private final InProcessKeys view = new InProcessKeys();

  RedisKeys(Function<Request, Future<Response>> send) {
    this.send = send;
  }

  @Override
  public Future<Created> create(AccessKey template) {
    String secret = RuntimeKeys.newSecret();
    AccessKey key = new AccessKey(template.id(), InProcessKeys.sha256Hex(secret),
        template.models(), template.concurrency(), template.limits());
    return eval(CREATE, 2, HASH, MADE, key.id(), json(key), CHANNEL).compose(r -> {
      if (r.toInteger() == 0) {
        return Future.failedFuture(new LedgerException(409, "a key with id '" + key.id()
            + "' exists"));
      }
      view.put(key);
      return Future.succeededFuture(new Created(key, secret));
    });
  }

  @Override
  public Future<List<AccessKey>> list() {
    return refresh().map(v -> {
      List<AccessKey> all = new ArrayList<>(view.byId.values());
      all.sort(Comparator.comparing(AccessKey::id));
      return all;
    });
  }

  @Override
  public Future<AccessKey> update(String id, UnaryOperator<AccessKey> change) {
    return update(id, change, 1);
  }

  /** Read, change, and write only if nobody wrote in between; else read again. */
  private Future<AccessKey> update(String id, UnaryOperator<AccessKey> change, int attempt) {
    return unavailable(send.apply(Request.cmd(Command.HGET).arg(HASH).arg(id))).compose(r -> {
      if (r == null) {
        return Future.failedFuture(InProcessKeys.noSuchKey(id));
      }
      String before = r.toString();
      AccessKey old = parse(before);
      AccessKey asked = change.apply(old);
      AccessKey next = new AccessKey(old.id(), old.sha256(), asked.models(), asked.concurrency(),
          asked.limits()); // neither the id nor the secret changes
      return eval(UPDATE, 1, HASH, id, before, json(next), CHANNEL).compose(done -> {
        int outcome = done.toInteger();
        if (outcome == 1) {
          view.put(next);
          return Future.succeededFuture(next);
        }
        if (outcome < 0) {
          return Future.failedFuture(InProcessKeys.noSuchKey(id));
        }
        if (attempt >= MAX_UPDATE_TRIES) {
          return Future.failedFuture(new LedgerException(409, "key '" + id
              + "' kept changing under this update: try again"));
        }
        return update(id, change, attempt + 1);
      });
    });
  }

  @Override
  public Future<Void> revoke(String id) {
    return eval(REVOKE, 1, HASH, id, CHANNEL).compose(r -> {
      if (r.toInteger() == 0) {
        return Future.failedFuture(InProcessKeys.noSuchKey(id));
      }
      view.remove(id);
      return Future.succeededFuture();
    });
  }

  @Override
  public Optional<AccessKey> byHash(String sha256Hex) {
    return view.byHash(sha256Hex);
  }

  @Override
  public Optional<AccessKey> byId(String id) {
    return view.byId(id);
  }

  @Override
  public boolean any() {
    return view.any();
  }

  /** Reloads the local view from Redis: every key, and whether one was ever made. */
  Future<Void> refresh() {
    Future<Response> all = unavailable(send.apply(Request.cmd(Command.HGETALL).arg(HASH)));
    Future<Response> made = unavailable(send.apply(Request.cmd(Command.GET).arg(MADE)));
    return Future.all(all, made).map(v -> {
      Map<String, AccessKey> keys = new HashMap<>();
      Response r = all.result();
      for (String id : r.getKeys()) {
        keys.put(id, parse(r.get(id).toString()));
      }
      view.replaceAll(keys, made.result() != null);
      return null;
    });
  }

  private Future<Response> eval(String script, int keys, String... args) {
    Request r = Request.cmd(Command.EVAL).arg(script).arg(keys);
    for (String a : args) {
      r.arg(a);
    }
    return unavailable(send.apply(r));
  }

  /** Redis not answering is the admin's 503, not a 500 of the gateway. */
  static <T> Future<T> unavailable(Future<T> f) {
    return f.recover(e -> Future.failedFuture(e instanceof LedgerException ? e
        : new LedgerException(503, "the gateway's shared state (Redis) is unavailable: "
            + e.getClass().getSimpleName())));
  }

  static String json(AccessKey k) {
    KeyLimits l = k.limits();
    return new JsonObject().put("id", k.id()).put("sha256", k.sha256())
        .put("models", new JsonArray(k.models())).put("concurrency", k.concurrency())
        .put("requests", l.requests()).put("tokens", l.tokens())
        .put("window_ms", l.window().toMillis()).put("budget_usd", l.budgetUsd().toPlainString())
        .put("period", l.period().name()).put("hard", l.hard()).encode();
  }

  static AccessKey parse(String json) {
    JsonObject o = new JsonObject(json);
    List<String> models = new ArrayList<>();
    o.getJsonArray("models").forEach(m -> models.add((String) m));
    KeyLimits limits = new KeyLimits(o.getLong("requests"), o.getLong("tokens"),
        Duration.ofMillis(o.getLong("window_ms")), new BigDecimal(o.getString("budget_usd")),
        KeyLimits.BudgetPeriod.valueOf(o.getString("period")), o.getBoolean("hard"));
    return new AccessKey(o.getString("id"), o.getString("sha256"), models,
        o.getInteger("concurrency"), limits);
  }
}
