package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Gateway keys created at runtime. A key's secret is made here, returned once, and kept only as
 * its SHA-256. Lookups by hash read a local view, so that authentication never waits; the Redis
 * ledger keeps that view current on every replica.
 */
public interface RuntimeKeys {

  /** A new key and its secret, which nothing else ever shows again. */
  record Created(AccessKey key, String secret) {}

  /** Fails with a 409 {@link LedgerException} when the id is taken. */
  Future<Created> create(AccessKey template);

  Future<List<AccessKey>> list();

  /** Fails with a 404 {@link LedgerException} when there is no such key. */
  Future<AccessKey> update(String id, UnaryOperator<AccessKey> change);

  /** Fails with a 404 {@link LedgerException} when there is no such key. */
  Future<Void> revoke(String id);

  Optional<AccessKey> byHash(String sha256Hex);

  Optional<AccessKey> byId(String id);

  /** True once any runtime key was made, even if all were revoked since. */
  boolean any();

  SecureRandom RANDOM = new SecureRandom();

  /** 32 random bytes, URL-safe: {@code sk-sluice-…}. */
  static String newSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "sk-sluice-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
