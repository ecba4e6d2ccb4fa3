package io.sluice.core.event;

/**
 * The result of a server tool, a whole block that opens and closes at once: Anthropic's
 * {@code web_search_tool_result}, {@code web_fetch_tool_result},
 * {@code code_execution_tool_result}, {@code mcp_tool_result} and the other
 * {@code *_tool_result} blocks.
 *
 * @param toolUseId the id of the {@link ServerToolStart} it answers, or empty
 * @param type the provider's block type
 * @param json the block as the provider sent it
 */
public record ServerToolResult(int choice, int index, String toolUseId, String type, String json)
    implements BlockEvent {
  public ServerToolResult {
    Checks.notNull(toolUseId, type, json);
  }
}
