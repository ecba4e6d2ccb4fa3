package io.sluice.core.codec;

/**
 * How a {@link StreamEncoder} writes its stream.
 *
 * @param includeUsage whether an OpenAI Chat stream ends with its usage chunk (a chunk with empty
 *     {@code choices}, docs/wire-formats.md §a): a gateway always asks the provider for usage and
 *     leaves it out for a client that did not ask ({@code stream_options.include_usage}). Responses
 *     and Anthropic carry usage on events every stream has, so their encoders always write it.
 */
public record EncoderOptions(boolean includeUsage) {

  /** Everything the format can carry, usage included. */
  public static final EncoderOptions DEFAULTS = new EncoderOptions(true);

  /** These options without the usage chunk. */
  public EncoderOptions withoutUsage() {
    return new EncoderOptions(false);
  }
}
