package io.sluice.gateway.internal.ledger;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * The concurrency of each upstream key, counted across every replica. A key pool counts its own
 * requests in flight; when the slots are {@link #shared()}, it also takes one of these before it
 * grants a key, so that N replicas together never carry more than the key's concurrency.
 *
 * <p>An upstream key is named by a hash of its target and secret (the pool's cool-down id), never
 * by the secret. Nothing here blocks: {@link #take} answers on a future, within
 * {@code state.timeout}.
 */
public interface UpstreamSlots {

  /** In one process: the pool's own count is the whole truth, so every take is granted. */
  UpstreamSlots LOCAL = new UpstreamSlots() {
    @Override
    public boolean shared() {
      return false;
    }

    @Override
    public Future<Boolean> take(String key, String slot, int limit) {
      return Future.succeededFuture(true);
    }

    @Override
    public Future<Void> give(String key, String slot) {
      return Future.succeededFuture(); // nothing held outside the pool
    }

    @Override
    public void onFreed(Consumer<String> listener) {
      // Only the pool itself frees its keys.
    }
  };

  /** True when other replicas count too: a pool must {@link #take} a slot before a grant. */
  boolean shared();

  /**
   * Takes {@code slot} (an id unique across replicas) of upstream key {@code key} when fewer than
   * {@code limit} are held. Completes with {@code true} when the request may go (the slot is held
   * and kept alive until {@link #give}n back, or the shared count could not be reached in time and
   * the pool's own count decides), {@code false} when every slot is taken. Never fails.
   */
  Future<Boolean> take(String key, String slot, int limit);

  /**
   * Gives {@code slot} back (also one whose take was refused or not answered: harmless) and tells
   * the other replicas that {@code key} has room. Completes once the shared count took it back, or
   * could not be reached within {@code state.timeout} (then the slot expires on its own); never
   * fails.
   */
  Future<Void> give(String key, String slot);

  /**
   * Runs {@code listener} with a key's name each time a replica frees one of its slots, for as
   * long as the caller holds it: the shared slots hold it weakly, since they outlive the pools.
   */
  void onFreed(Consumer<String> listener);
}
