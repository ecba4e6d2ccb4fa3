package io.sluice.gateway.internal.server;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.internal.ledger.RuntimeKeys;
import io.sluice.gateway.internal.routing.Router;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks a client's key: the SHA-256 of what it presents against every configured hash, in
 * constant time per comparison and without stopping at the first match, so timing tells nothing.
 */
public final class AccessControl {
  private final List<AccessKey> keys;
  private final byte[][] hashes;
  /** Requests in flight by key id, shared by every configuration (see GatewayState#next). */
  private final ConcurrentHashMap<String, AtomicInteger> inFlight;
  private final RuntimeKeys runtime;

  AccessControl(List<AccessKey> keys, RuntimeKeys runtime) {
    this(keys, runtime, new ConcurrentHashMap<>());
  }

  /** Keys reloaded: a key's requests in flight under the running keys still count. */
  AccessControl(List<AccessKey> keys, AccessControl running) {
    this(keys, running.runtime, running.inFlight);
  }

  private AccessControl(List<AccessKey> keys, RuntimeKeys runtime,
      ConcurrentHashMap<String, AtomicInteger> inFlight) {
    this.inFlight = inFlight;
    this.keys = List.copyOf(keys);
    this.runtime = runtime;
    this.hashes = new byte[keys.size()][];
    for (int i = 0; i < keys.size(); i++) {
      hashes[i] = HexFormat.of().parseHex(keys.get(i).sha256().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /**
   * Open (no key asked) while there are no keys at all: none in sluice.yaml and none made through
   * the admin API. The first runtime key closes an open gateway for good: revoking the last one
   * does not open it again.
   */
  boolean open() {
    return keys.isEmpty() && !runtime.any();
  }

  /** A configured key by id: the admin API leaves those to sluice.yaml. */
  boolean configured(String id) {
    for (AccessKey k : keys) {
      if (k.id().equals(id)) {
        return true;
      }
    }
    return false;
  }

  List<AccessKey> configuredKeys() {
    return keys;
  }

  /** The key the request presents, when it is one of ours. */
  Optional<AccessKey> authenticate(MultiMap headers) {
    String secret = presented(headers);
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    byte[] hash = sha256(secret);
    AccessKey found = null;
    for (int i = 0; i < hashes.length; i++) {
      if (MessageDigest.isEqual(hash, hashes[i]) && found == null) {
        found = keys.get(i);
      }
    }
    if (found != null) {
      return Optional.of(found);
    }
    // A runtime key: looked up by its hash, which tells nothing about other keys' secrets.
    return runtime.byHash(HexFormat.of().formatHex(hash));
  }

  public static boolean allows(AccessKey key, String model) {
    if (key.models().isEmpty()) {
      return true;
    }
    for (String pattern : key.models()) {
      if (pattern.equals(model) || Router.matches(pattern, model)) {
        return true;
      }
    }
    return false;
  }

  /** Takes one of the key's concurrent slots; false when all are taken. */
  public boolean enter(AccessKey key) {
    if (key.concurrency() <= 0) {
      return true;
    }
    AtomicInteger n = inFlight.computeIfAbsent(key.id(), k -> new AtomicInteger());
    if (n.incrementAndGet() > key.concurrency()) {
      n.decrementAndGet();
      return false;
    }
    return true;
  }

  public void leave(AccessKey key) {
    if (key.concurrency() > 0) {
      inFlight.get(key.id()).decrementAndGet();
    }
  }

  /** The key's requests in flight now (counted only when it has a concurrency limit). */
  public int inFlight(AccessKey key) {
    AtomicInteger n = inFlight.get(key.id());
    return n == null ? 0 : n.get();
  }

  /**
   * Whether a scrape of {@code /metrics} may have it: always when no metrics key is set, else
   * only with that key (compared in constant time, as gateway keys are).
   */
  static boolean mayScrape(String metricsKeySha256, io.vertx.core.http.HttpServerRequest req) {
    if (metricsKeySha256.isEmpty()) {
      return true;
    }
    String key = presented(req.headers());
    return !key.isEmpty() && java.security.MessageDigest.isEqual(sha256(key),
        java.util.HexFormat.of().parseHex(metricsKeySha256));
  }

  static String presented(MultiMap headers) {
    String auth = headers.get("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    String apiKey = headers.get("x-api-key");
    return apiKey == null ? "" : apiKey.trim();
  }

  /**
   * One SHA-256 per thread (an event loop, mostly): {@code MessageDigest.getInstance} looks the
   * algorithm up among the security providers and makes a new engine, on every keyed request.
   * {@code digest} leaves it reset, so nothing of one secret stays for the next.
   */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  });

  static byte[] sha256(String secret) {
    MessageDigest digest = SHA256.get();
    digest.reset(); // a digest interrupted by an exception elsewhere would otherwise carry on
    return digest.digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256Hex(String secret) {
    return HexFormat.of().formatHex(sha256(secret));
  }
}
