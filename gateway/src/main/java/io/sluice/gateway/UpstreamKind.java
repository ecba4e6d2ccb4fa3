package io.sluice.gateway;

/** The wire format an upstream speaks, as named in {@code sluice.yaml}. */
public enum UpstreamKind {
  /** OpenAI Chat Completions, or a dialect of it ({@code kind: openai-chat}). */
  OPENAI_CHAT("openai-chat"),
  /** OpenAI Responses ({@code kind: openai-responses}). */
  OPENAI_RESPONSES("openai-responses"),
  /** Anthropic Messages ({@code kind: anthropic}). */
  ANTHROPIC("anthropic"),
  /**
   * Whatever the client speaks ({@code kind: same-as-client}): for servers with all three front
   * doors, such as the simulated provider or another sluice gateway. Always a pass-through.
   */
  SAME_AS_CLIENT("same-as-client");

  private final String configName;

  UpstreamKind(String configName) {
    this.configName = configName;
  }

  /** The name used in {@code sluice.yaml}. */
  public String configName() {
    return configName;
  }

  public static UpstreamKind fromConfigName(String name) {
    for (UpstreamKind k : values()) {
      if (k.configName.equals(name)) {
        return k;
      }
    }
    throw new GatewayException("unknown upstream kind '" + name
        + "': use openai-chat, openai-responses, anthropic or same-as-client");
  }
}
