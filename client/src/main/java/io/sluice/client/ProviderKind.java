package io.sluice.client;

import java.util.Locale;

/**
 * The providers a client talks to, each with its wire format, default base URL and the environment
 * variables it reads. Base URLs follow each provider's official SDK: OpenAI's and Mistral's end in
 * {@code /v1}, Anthropic's does not (the client adds {@code /v1/messages}).
 */
public enum ProviderKind {
  /** OpenAI Chat Completions: {@code POST {base}/chat/completions}. */
  OPENAI_CHAT("openai-chat", "https://api.openai.com/v1", "OPENAI"),
  /** OpenAI Responses: {@code POST {base}/responses}. */
  OPENAI_RESPONSES("openai-responses", "https://api.openai.com/v1", "OPENAI"),
  /** Anthropic Messages: {@code POST {base}/v1/messages}. */
  ANTHROPIC("anthropic", "https://api.anthropic.com", "ANTHROPIC"),
  /** Mistral, which speaks Chat Completions with its own rules. */
  MISTRAL("mistral", "https://api.mistral.ai/v1", "MISTRAL"),
  /** vLLM, Ollama, LM Studio, a sluice gateway or mock and other Chat Completions servers. */
  OPENAI_COMPATIBLE("openai-compatible", "http://localhost:8000/v1", "OPENAI");

  private final String id;
  private final String defaultBaseUrl;
  private final String envPrefix;

  ProviderKind(String id, String defaultBaseUrl, String envPrefix) {
    this.id = id;
    this.defaultBaseUrl = defaultBaseUrl;
    this.envPrefix = envPrefix;
  }

  /** The name used on the command line and in configuration: {@code openai-chat}, … */
  public String id() {
    return id;
  }

  /**
   * The provider's own base URL, used when none is configured.
   *
   * @return the URL
   */
  public String defaultBaseUrl() {
    return defaultBaseUrl;
  }

  /** The environment variable holding the API key: {@code OPENAI_API_KEY}, … */
  public String apiKeyVariable() {
    return envPrefix + "_API_KEY";
  }

  /** The environment variable overriding the base URL: {@code OPENAI_BASE_URL}, … */
  public String baseUrlVariable() {
    return envPrefix + "_BASE_URL";
  }

  /**
   * The kind named {@code id} ({@code openai-chat}, {@code openai-responses}, {@code anthropic},
   * {@code mistral}, {@code openai-compatible}).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ProviderKind of(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    for (ProviderKind kind : values()) {
      if (kind.id.equals(wanted)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown provider '" + id + "' (use openai-chat, "
        + "openai-responses, anthropic, mistral or openai-compatible)");
  }

  @Override
  public String toString() {
    return id;
  }
}
