package io.sluice.gateway.internal.ledger;

import java.util.Objects;

/**
 * An upstream key's shared concurrency slot, asked for together with an admission
 * ({@link Ledger#admit(Claim, SlotTake)}): the arguments of {@link UpstreamSlots#take}.
 *
 * @param key the upstream key's shared name (a hash, never the secret)
 * @param slot an id unique across replicas
 * @param limit the key's concurrency
 */
public record SlotTake(String key, String slot, int limit) {
  public SlotTake {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(slot, "slot");
  }

  /**
   * The admission, and whether the slot is held: {@code true} as {@link UpstreamSlots#take}
   * means it (held, or the shared count could not be reached and the pool's own count decides),
   * {@code false} when every slot of the key was taken. A slot that was taken is held whatever
   * the admission said: its caller gives it back when it does not use it.
   */
  public record Answer(Admission admission, boolean held) {}
}
