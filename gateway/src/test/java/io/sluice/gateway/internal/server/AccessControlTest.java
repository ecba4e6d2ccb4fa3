package io.sluice.gateway.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.KeyLimits;
import io.sluice.gateway.internal.ledger.RuntimeKeys;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The key check with its SHA-256 kept per thread: no secret's state reaches the next one. */
class AccessControlTest {
  private static final List<String> SECRETS = List.of("sk-a", "sk-bb-0123456789",
      "sk-" + "c".repeat(300), "", "sk-é-ünïcode");

  @Test
  void eachSecretHashesAsAFreshDigestWouldWhateverCameBefore() throws Exception {
    for (int round = 0; round < 3; round++) {
      for (String s : SECRETS) {
        assertThat(AccessControl.sha256(s)).isEqualTo(fresh(s));
      }
    }
  }

  @Test
  void threadsHashingAtOnceEachGetTheirOwnSecretsHash() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String secret = "sk-thread-" + t;
        byte[] expected = fresh(secret);
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            if (!MessageDigest.isEqual(AccessControl.sha256(secret), expected)) {
              return false;
            }
          }
          return true;
        }));
      }
      for (var r : runs) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void eachConfiguredKeyIsFoundByItsSecretInAnyOrder() throws Exception {
    List<AccessKey> keys = List.of(key("a", "sk-a"), key("b", "sk-b"), key("c", "sk-c"));
    AccessControl access = new AccessControl(keys, new NoRuntimeKeys());
    for (String id : List.of("c", "a", "b", "a", "c")) {
      assertThat(access.authenticate(bearer("sk-" + id))).map(AccessKey::id).contains(id);
    }
  }

  @Test
  void anUnknownSecretIsLookedUpAmongRuntimeKeysByItsOwnHash() throws Exception {
    NoRuntimeKeys runtime = new NoRuntimeKeys();
    AccessControl access = new AccessControl(List.of(key("a", "sk-a")), runtime);
    assertThat(access.authenticate(bearer("sk-a"))).isPresent();
    assertThat(access.authenticate(bearer("sk-other"))).isEmpty();
    assertThat(runtime.asked).containsExactly(HexFormat.of().formatHex(fresh("sk-other")));
  }

  private static MultiMap bearer(String secret) {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + secret);
  }

  private static AccessKey key(String id, String secret) throws Exception {
    return new AccessKey(id, HexFormat.of().formatHex(fresh(secret)), List.of(), 0,
        KeyLimits.NONE);
  }

  private static byte[] fresh(String secret) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** No runtime keys; records the hashes it was asked for. */
  private static final class NoRuntimeKeys implements RuntimeKeys {
    final List<String> asked = new ArrayList<>();

    @Override
    public Future<Created> create(AccessKey template) {
      return Future.failedFuture("not in this test");
    }

    @Override
    public Future<List<AccessKey>> list() {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<AccessKey> update(String id, UnaryOperator<AccessKey> change) {
      return Future.failedFuture("not in this test");
    }

    @Override
    public Future<Void> revoke(String id) {
      return Future.failedFuture("not in this test");
    }

    @Override
    public Optional<AccessKey> byHash(String sha256Hex) {
      asked.add(sha256Hex);
      return Optional.empty();
    }

    @Override
    public Optional<AccessKey> byId(String id) {
      return Optional.empty();
    }

    @Override
    public boolean any() {
      return false;
    }
  }
}
