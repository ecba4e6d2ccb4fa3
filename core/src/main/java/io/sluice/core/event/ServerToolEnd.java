package io.sluice.core.event;

/**
 * A server tool closes.
 *
 * @param input its complete input as a JSON text ({@code {}} when it had none)
 * @param json the block or item as the provider last sent it, kept whole: for a Responses item
 *     that holds the call's results too ({@code action}, {@code results}, {@code outputs},
 *     {@code output}); for an Anthropic block the results come as a {@link ServerToolResult}
 */
public record ServerToolEnd(
    int choice, int index, String id, String name, String type, String input, String json)
    implements BlockEvent {
  public ServerToolEnd {
    Checks.notNull(id, name, type, input, json);
  }
}
