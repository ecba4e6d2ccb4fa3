package io.sluice.gateway.internal.exchange;

import io.sluice.gateway.internal.routing.TargetPool;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a Responses continuation goes: the provider keeps a response with the account (and so
 * the key) that made it, so a request naming {@code previous_response_id} is tried first on that
 * target and waits for that key. The ledger remembers each response by the key's shared name
 * ({@link TargetPool#coolId(int)}), which every replica computes alike and which never shows the
 * key.
 */
final class Affinity {
  private Affinity() {}

  /** {pool index, key index} of the key named {@code madeBy} in {@code pools}; {-1, -1} if none. */
  static int[] find(List<TargetPool> pools, String madeBy) {
    if (!madeBy.isEmpty()) {
      for (int p = 0; p < pools.size(); p++) {
        int k = pools.get(p).keyIndexOf(madeBy);
        if (k >= 0) {
          return new int[] {p, k};
        }
      }
    }
    return new int[] {-1, -1};
  }

  /** The route's pools with {@code index} first, the others after it in their order. */
  static List<TargetPool> first(List<TargetPool> pools, int index) {
    List<TargetPool> out = new ArrayList<>(pools.size());
    out.add(pools.get(index));
    for (int p = 0; p < pools.size(); p++) {
      if (p != index) {
        out.add(pools.get(p));
      }
    }
    return out;
  }
}
