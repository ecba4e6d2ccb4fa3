package io.sluice.core.codec;

/**
 * Servers that speak OpenAI Chat Completions with differences. Decoders accept every dialect's
 * quirks whatever the setting; the dialect decides what a request may carry.
 */
public enum ChatDialect {
  /** OpenAI itself. */
  OPENAI,
  /** Azure OpenAI: content-filter chunks, empty first {@code choices}. */
  AZURE,
  /** Mistral: rejects {@code stream_options} and unknown parameters; whole tool calls per delta. */
  MISTRAL,
  /** vLLM, NIM, Ollama, DeepSeek, LM Studio and other OpenAI-compatible servers. */
  COMPATIBLE;

  /** Whether requests may ask for {@code stream_options.include_usage}. */
  public boolean acceptsStreamOptions() {
    return this != MISTRAL;
  }
}
