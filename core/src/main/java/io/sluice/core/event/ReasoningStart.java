package io.sluice.core.event;

/**
 * A reasoning block opens.
 *
 * @param id the provider's id for the block (a Responses reasoning item {@code rs_…}), or empty
 */
public record ReasoningStart(int choice, int index, ReasoningKind kind, String id)
    implements BlockEvent {
  /** Checks that no component is null. */
  public ReasoningStart {
    Checks.notNull(kind, id);
  }
}
