package io.sluice.core.event;

/**
 * The stream completed. {@code reason} is choice 0's finish reason; {@code rawReason} is the
 * provider's own word for it ({@code end_turn}, {@code max_tokens}, …), or empty.
 */
public record Done(FinishReason reason, String rawReason) implements StreamEvent.Terminal {
  /** Checks that no component is null. */
  public Done {
    Checks.notNull(reason, rawReason);
  }
}
