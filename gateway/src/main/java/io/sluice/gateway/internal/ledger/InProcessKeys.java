package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Runtime keys of one process; the Redis ledger fills the same maps from Redis. */
class InProcessKeys implements RuntimeKeys {
  final ConcurrentHashMap<String, AccessKey> byId = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, AccessKey> byHash = new ConcurrentHashMap<>();
  /** Set by the first key ever made: revoking the last one must not open the gateway again. */
  private volatile boolean made;

  @Override
  public Future<Created> create(AccessKey template) {
    String secret = RuntimeKeys.newSecret();
    AccessKey key = new AccessKey(template.id(), sha256Hex(secret), template.models(),
        template.concurrency(), template.limits());
    if (byId.putIfAbsent(key.id(), key) != null) {
      return Future.failedFuture(new LedgerException(409, "a key with id '" + key.id()
          + "' exists"));
    }
    made = true;
    byHash.put(key.sha256(), key);
    return Future.succeededFuture(new Created(key, secret));
  }

  @Override
  public Future<List<AccessKey>> list() {
    List<AccessKey> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparing(AccessKey::id));
    return Future.succeededFuture(all);
  }

  @Override
  public Future<AccessKey> update(String id, UnaryOperator<AccessKey> change) {
    AccessKey[] out = new AccessKey[1];
    byId.computeIfPresent(id, (k, old) -> {
      AccessKey next = change.apply(old);
      out[0] = new AccessKey(old.id(), old.sha256(), next.models(), next.concurrency(),
          next.limits()); // neither the id nor the secret changes
      return out[0];
    });
    if (out[0] == null) {
      return Future.failedFuture(noSuchKey(id));
    }
    byHash.put(out[0].sha256(), out[0]);
    return Future.succeededFuture(out[0]);
  }

  @Override
  public Future<Void> revoke(String id) {
    AccessKey gone = byId.remove(id);
    if (gone == null) {
      return Future.failedFuture(noSuchKey(id));
    }
    byHash.remove(gone.sha256());
    return Future.succeededFuture();
  }

  @Override
  public Optional<AccessKey> byHash(String sha256Hex) {
    return Optional.ofNullable(byHash.get(sha256Hex));
  }

  @Override
  public Optional<AccessKey> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public boolean any() {
    return made;
  }

  /** A key as another replica or Redis has it now. */
  void put(AccessKey key) {
    made = true;
    AccessKey old = byId.put(key.id(), key);
    if (old != null && !old.sha256().equals(key.sha256())) {
      byHash.remove(old.sha256());
    }
    byHash.put(key.sha256(), key);
  }

  void remove(String id) {
    AccessKey gone = byId.remove(id);
    if (gone != null) {
      byHash.remove(gone.sha256());
    }
  }

  /** The whole view at once, as Redis has it: keys gone there go here too. */
  void replaceAll(java.util.Map<String, AccessKey> keys, boolean everMade) {
    made |= everMade || !keys.isEmpty();
    byId.keySet().removeIf(id -> !keys.containsKey(id));
    byHash.values().removeIf(k -> !keys.containsKey(k.id()));
    keys.values().forEach(this::put);
  }

  static LedgerException noSuchKey(String id) {
    return new LedgerException(404, "no key with id '" + id + "'");
  }

  static String sha256Hex(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
