package io.sluice.core.event;

/**
 * A tool the provider runs itself opens: Anthropic {@code server_tool_use} or
 * {@code mcp_tool_use}, or a Responses built-in tool item ({@code web_search_call},
 * {@code file_search_call}, {@code code_interpreter_call}, {@code mcp_call},
 * {@code image_generation_call}, …). It is never a call for the client to run: a client that
 * answered it with a tool result would answer a tool it never declared.
 *
 * @param id the provider's id for the call ({@code srvtoolu_…}, {@code ws_…}), or empty
 * @param name the tool's name ({@code web_search}, an MCP tool's name), or empty when the item
 *     names none
 * @param type the provider's block or item type, which says what the tool is
 */
public record ServerToolStart(int choice, int index, String id, String name, String type)
    implements BlockEvent {
  public ServerToolStart {
    Checks.notNull(id, name, type);
  }
}
