package io.sluice.gateway.internal.ledger;

import java.lang.ref.WeakReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Listeners held weakly: the ledger outlives every configuration, the key pools that listen to it
 * do not. A reload that changes a target gives it a new pool, and the old one serves its requests
 * in flight and is then dropped; its listener must go with it, or a gateway reloaded for months
 * would keep every pool it ever had and call them all on each change. The listener's owner holds
 * it strongly for as long as it wants to hear; entries whose listener is gone are removed when the
 * next one is added.
 */
final class Listeners<T> {
  private final CopyOnWriteArrayList<WeakReference<T>> all = new CopyOnWriteArrayList<>();

  void add(T listener) {
    all.removeIf(ref -> ref.get() == null);
    all.add(new WeakReference<>(listener));
  }

  void forEach(Consumer<T> action) {
    for (WeakReference<T> ref : all) {
      T listener = ref.get();
      if (listener != null) {
        action.accept(listener);
      }
    }
  }

  /** Entries kept, their listeners alive or not yet removed. */
  int size() {
    return all.size();
  }
}
