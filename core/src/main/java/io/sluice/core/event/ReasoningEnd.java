package io.sluice.core.event;

/**
 * A reasoning block closes.
 *
 * @param text the whole reasoning text (empty when redacted)
 * @param signature the opaque value a later turn must send back verbatim: Anthropic's thinking
 *     signature or redacted-thinking data, or a Responses reasoning item's encrypted content; empty
 *     when there is none
 */
public record ReasoningEnd(int choice, int index, ReasoningKind kind, String text, String signature)
    implements BlockEvent {
  /** Checks that no component is null. */
  public ReasoningEnd {
    Checks.notNull(kind, text, signature);
  }
}
