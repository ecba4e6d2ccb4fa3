package io.sluice.gateway.internal.server;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayException;
import io.sluice.gateway.KeyLimits;
import io.sluice.gateway.internal.ledger.LedgerException;
import io.sluice.gateway.internal.ledger.Spend;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keys managed at runtime, on the gateway's own port under {@code /admin/}, behind
 * {@code server.admin-key} (docs/limits-and-spend.md has curl examples): create (the secret shown
 * once, kept as its hash), list, read, update limits and budget, revoke, and read spend per model.
 * Keys from {@code sluice.yaml} are listed and their spend read, but changed only in the file.
 */
final class AdminApi {
  static final String PREFIX = "/admin/keys";
  private static final int MAX_BODY = 64 * 1024;
  private static final Set<String> FIELDS =
      Set.of("id", "models", "concurrency", "limits", "budget", "mode");

  private final GatewayState gw;
  private final byte[] adminHash;

  AdminApi(GatewayState gw) {
    this.gw = gw;
    String hash = gw.config.adminKeySha256(); // server.admin-key, shared with the dashboard
    this.adminHash = hash.isEmpty() ? null
        : java.util.HexFormat.of().parseHex(hash.toLowerCase(java.util.Locale.ROOT));
  }

  boolean enabled() {
    return adminHash != null;
  }

  void handle(HttpServerRequest req) {
    if (!enabled()) {
      answer(req, 404, AdminJson.error("no admin API: server.admin-key is not set"));
      return;
    }
    String presented = AccessControl.presented(req.headers());
    if (presented.isEmpty()
        || !MessageDigest.isEqual(AccessControl.sha256(presented), adminHash)) {
      answer(req, 401, AdminJson.error(presented.isEmpty()
          ? "missing admin key: send it as 'Authorization: Bearer <admin key>'"
          : "invalid admin key"));
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    req.handler(chunk -> {
      if (!over[0] && body.length() + chunk.length() > MAX_BODY) {
        over[0] = true;
        answer(req, 413, AdminJson.error("admin request body larger than " + MAX_BODY + " bytes"));
      } else if (!over[0]) {
        body.appendBuffer(chunk);
      }
    });
    req.endHandler(v -> {
      if (over[0]) {
        return;
      }
      try {
        route(req, body.getBytes()).onComplete(ar -> {
          if (ar.succeeded()) {
            answer(req, ar.result().status, ar.result().json);
          } else {
            failed(req, ar.cause());
          }
        });
      } catch (RuntimeException e) {
        failed(req, e);
      }
    });
  }

  private record Answer(int status, String json) {}

  private Future<Answer> route(HttpServerRequest req, byte[] body) {
    String rest = req.path().substring(PREFIX.length());
    HttpMethod m = req.method();
    if (rest.isEmpty() || rest.equals("/")) {
      if (m == HttpMethod.GET) {
        return list();
      }
      if (m == HttpMethod.POST) {
        return create(AdminJson.object(body));
      }
      throw new LedgerException(405, "use GET or POST on " + PREFIX);
    }
    String[] parts = rest.substring(1).split("/", -1);
    String id = parts[0];
    if (parts.length == 2 && parts[1].equals("spend") && m == HttpMethod.GET) {
      return spend(id);
    }
    if (parts.length != 1) {
      throw new LedgerException(404, "no such admin endpoint: " + req.path());
    }
    if (m == HttpMethod.GET) {
      return find(id).map(k -> new Answer(200, AdminJson.write(g -> AdminJson.key(g, k,
          source(id)))));
    }
    if (m == HttpMethod.PATCH) {
      Map<String, Object> change = AdminJson.object(body);
      runtimeOnly(id);
      if (change.containsKey("id") && !id.equals(change.get("id"))) {
        throw new LedgerException(400, "a key's id cannot change");
      }
      check(change);
      return gw.ledger.keys().update(id, old -> apply(old, change))
          .map(k -> new Answer(200, AdminJson.write(g -> AdminJson.key(g, k, "runtime"))));
    }
    if (m == HttpMethod.DELETE) {
      runtimeOnly(id);
      return gw.ledger.keys().revoke(id).map(v -> new Answer(204, ""));
    }
    throw new LedgerException(405, "use GET, PATCH or DELETE on " + PREFIX + "/{id}");
  }

  private Future<Answer> list() {
    return gw.ledger.keys().list().map(runtime -> new Answer(200, AdminJson.write(g -> {
      g.writeArrayFieldStart("keys");
      for (AccessKey k : gw.access.configuredKeys()) {
        g.writeStartObject();
        AdminJson.key(g, k, "config");
        g.writeEndObject();
      }
      for (AccessKey k : runtime) {
        g.writeStartObject();
        AdminJson.key(g, k, "runtime");
        g.writeEndObject();
      }
      g.writeEndArray();
    })));
  }

  private Future<Answer> create(Map<String, Object> spec) {
    Object id = spec.get("id");
    if (!(id instanceof String) || !((String) id).matches("[A-Za-z0-9._-]{1,64}")) {
      throw new LedgerException(400, "'id' must be 1 to 64 of A-Z a-z 0-9 . _ -");
    }
    if (gw.access.configured((String) id)) {
      throw new LedgerException(409, "a key with id '" + id + "' is defined in sluice.yaml");
    }
    check(spec);
    AccessKey template = apply(new AccessKey((String) id, "0".repeat(64), List.of(), 0), spec);
    return gw.ledger.keys().create(template).map(created -> new Answer(201, AdminJson.write(g -> {
      g.writeStringField("secret", created.secret()); // the one time it is shown
      AdminJson.key(g, created.key(), "runtime");
    })));
  }

  private Future<Answer> spend(String id) {
    AccessKey key = find(id).result();
    return gw.ledger.spend(id).compose(byModel -> gw.ledger.periodSpend(id, key.limits())
        .map(period -> new Answer(200, AdminJson.write(g -> {
          g.writeStringField("id", id);
          g.writeNumberField("period_usd", period);
          Spend total = Spend.ZERO;
          g.writeObjectFieldStart("models");
          for (Map.Entry<String, Spend> e : new TreeMap<>(byModel).entrySet()) {
            g.writeObjectFieldStart(e.getKey());
            AdminJson.spend(g, e.getValue());
            g.writeEndObject();
            total = total.plus(e.getValue());
          }
          g.writeEndObject();
          g.writeObjectFieldStart("total");
          AdminJson.spend(g, total);
          g.writeEndObject();
        }))));
  }

  /** A configured or runtime key by id, or a 404. */
  private Future<AccessKey> find(String id) {
    for (AccessKey k : gw.access.configuredKeys()) {
      if (k.id().equals(id)) {
        return Future.succeededFuture(k);
      }
    }
    return gw.ledger.keys().byId(id).map(Future::succeededFuture)
        .orElseThrow(() -> new LedgerException(404, "no key with id '" + id + "'"));
  }

  private String source(String id) {
    return gw.access.configured(id) ? "config" : "runtime";
  }

  private void runtimeOnly(String id) {
    if (gw.access.configured(id)) {
      throw new LedgerException(409, "key '" + id + "' is defined in sluice.yaml: change it there");
    }
  }

  /** Refuses fields the API does not know, before anything changes. */
  private static void check(Map<String, Object> spec) {
    for (String f : spec.keySet()) {
      if (!FIELDS.contains(f)) {
        throw new LedgerException(400, "unknown field '" + f + "': use "
            + new java.util.TreeSet<>(FIELDS));
      }
    }
  }

  /** {@code old} with what {@code spec} sets; fields it leaves out keep their values. */
  @SuppressWarnings("unchecked")
  static AccessKey apply(AccessKey old, Map<String, Object> spec) {
    List<String> models = old.models();
    if (spec.containsKey("models")) {
      Object v = spec.get("models");
      if (!(v instanceof List) || !((List<Object>) v).stream().allMatch(s -> s instanceof String)) {
        throw new LedgerException(400, "'models' must be a list of model names or patterns");
      }
      models = (List<String>) v;
    }
    int concurrency = spec.containsKey("concurrency")
        ? (int) whole(spec.get("concurrency"), "concurrency") : old.concurrency();
    KeyLimits l = old.limits();
    long requests = l.requests();
    long tokens = l.tokens();
    Duration window = l.window();
    if (spec.containsKey("limits")) {
      Map<String, Object> lim = map(spec.get("limits"), "limits");
      requests = lim.containsKey("requests") ? whole(lim.get("requests"), "limits.requests")
          : requests;
      tokens = lim.containsKey("tokens") ? whole(lim.get("tokens"), "limits.tokens") : tokens;
      if (lim.containsKey("window")) {
        window = duration(lim.get("window"));
      }
    }
    BigDecimal usd = l.budgetUsd();
    KeyLimits.BudgetPeriod period = l.period();
    if (spec.containsKey("budget")) {
      Map<String, Object> b = map(spec.get("budget"), "budget");
      if (b.containsKey("usd")) {
        Object v = b.get("usd");
        try {
          usd = v instanceof BigDecimal ? (BigDecimal) v : new BigDecimal(String.valueOf(v));
        } catch (NumberFormatException e) {
          throw new LedgerException(400, "'budget.usd' must be a number");
        }
      }
      if (b.containsKey("period")) {
        try {
          period = KeyLimits.BudgetPeriod.fromConfigName(String.valueOf(b.get("period")));
        } catch (GatewayException e) {
          throw new LedgerException(400, e.getMessage());
        }
      }
    }
    boolean hard = l.hard();
    if (spec.containsKey("mode")) {
      Object mode = spec.get("mode");
      if (!"soft".equals(mode) && !"hard".equals(mode)) {
        throw new LedgerException(400, "'mode' must be soft or hard");
      }
      hard = "hard".equals(mode);
    }
    try {
      return new AccessKey(old.id(), old.sha256(), models, concurrency,
          new KeyLimits(requests, tokens, window, usd, period, hard));
    } catch (GatewayException e) {
      throw new LedgerException(400, e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v, String name) {
    if (!(v instanceof Map)) {
      throw new LedgerException(400, "'" + name + "' must be an object");
    }
    return (Map<String, Object>) v;
  }

  private static long whole(Object v, String name) {
    if (!(v instanceof BigDecimal)) {
      throw new LedgerException(400, "'" + name + "' must be a whole number");
    }
    try {
      long n = ((BigDecimal) v).longValueExact();
      if (n < 0 || n > Integer.MAX_VALUE && name.equals("concurrency")) {
        throw new LedgerException(400, "'" + name + "' must be 0 or more, was " + n);
      }
      return n;
    } catch (ArithmeticException e) {
      throw new LedgerException(400, "'" + name + "' must be a whole number");
    }
  }

  /** {@code "10s"}, {@code "250ms"}, {@code "2m"}, or a number of milliseconds. */
  private static Duration duration(Object v) {
    String s = String.valueOf(v).trim();
    try {
      if (v instanceof BigDecimal) {
        return Duration.ofMillis(((BigDecimal) v).longValueExact());
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      }
      if (s.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // the message below
    }
    throw new LedgerException(400, "'limits.window' must be like 250ms, 10s or 1m, was '" + s
        + "'");
  }

  private void failed(HttpServerRequest req, Throwable cause) {
    if (cause instanceof LedgerException) {
      LedgerException e = (LedgerException) cause;
      answer(req, e.status(), AdminJson.error(e.getMessage()));
    } else {
      answer(req, 500, AdminJson.error("internal gateway error"));
    }
  }

  private static void answer(HttpServerRequest req, int status, String json) {
    if (req.response().ended() || req.response().closed()) {
      return;
    }
    req.response().setStatusCode(status);
    if (status == 204) {
      req.response().end();
      return;
    }
    req.response().putHeader("Content-Type", "application/json").end(json);
  }
}
