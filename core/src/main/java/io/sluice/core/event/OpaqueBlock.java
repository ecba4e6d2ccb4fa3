package io.sluice.core.event;

/**
 * A whole content block that sluice does not model, kept as raw JSON so that nothing is lost:
 * Anthropic server-tool results ({@code web_search_tool_result}, …) that arrive complete, or a
 * Responses output item of a kind without its own events. It opens and closes at once.
 *
 * @param type the provider's block type
 * @param json the block as the provider sent it
 */
public record OpaqueBlock(int choice, int index, String type, String json) implements BlockEvent {
  /** Checks that no component is null. */
  public OpaqueBlock {
    Checks.notNull(type, json);
  }
}
