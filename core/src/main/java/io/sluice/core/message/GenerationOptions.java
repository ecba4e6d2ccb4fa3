package io.sluice.core.message;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * How to generate: every option is optional, and an unset one is not sent, so the provider's
 * default applies. Immutable; build with {@link #builder()}.
 */
public final class GenerationOptions {

  /** No option set: the provider's defaults apply. */
  public static final GenerationOptions DEFAULTS = builder().build();

  private final Double temperature;
  private final Double topP;
  private final Integer maxTokens;
  private final List<String> stop;
  private final Long seed;
  private final String reasoningEffort;
  private final String reasoningSummary;
  private final String responseFormat;
  private final ToolChoice toolChoice;

  private GenerationOptions(Builder b) {
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.maxTokens = b.maxTokens;
    this.stop = List.copyOf(b.stop);
    this.seed = b.seed;
    this.reasoningEffort = b.reasoningEffort;
    this.reasoningSummary = b.reasoningSummary;
    this.responseFormat = b.responseFormat;
    this.toolChoice = b.toolChoice;
  }

  /**
   * Starts options with nothing set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these options, to change some.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.temperature = temperature;
    b.topP = topP;
    b.maxTokens = maxTokens;
    b.stop = stop;
    b.seed = seed;
    b.reasoningEffort = reasoningEffort;
    b.reasoningSummary = reasoningSummary;
    b.responseFormat = responseFormat;
    b.toolChoice = toolChoice;
    return b;
  }

  /**
   * The sampling temperature.
   *
   * @return the temperature, or empty for the provider's default
   */
  public OptionalDouble temperature() {
    return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature);
  }

  /**
   * The nucleus-sampling mass.
   *
   * @return top-p, or empty for the provider's default
   */
  public OptionalDouble topP() {
    return topP == null ? OptionalDouble.empty() : OptionalDouble.of(topP);
  }

  /** The most tokens to generate (OpenAI {@code max_completion_tokens}/{@code max_output_tokens},
   * Anthropic {@code max_tokens}). */
  public OptionalInt maxTokens() {
    return maxTokens == null ? OptionalInt.empty() : OptionalInt.of(maxTokens);
  }

  /** Stop sequences; empty when none. */
  public List<String> stop() {
    return stop;
  }

  /**
   * The sampling seed, where the provider takes one.
   *
   * @return the seed, or empty
   */
  public OptionalLong seed() {
    return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
  }

  /** {@code minimal}, {@code low}, {@code medium}, {@code high}; for Anthropic a thinking budget. */
  public Optional<String> reasoningEffort() {
    return Optional.ofNullable(reasoningEffort);
  }

  /** Responses reasoning summary: {@code auto}, {@code concise} or {@code detailed}. */
  public Optional<String> reasoningSummary() {
    return Optional.ofNullable(reasoningSummary);
  }

  /** The OpenAI Chat {@code response_format} object as JSON text, e.g. a JSON schema. */
  public Optional<String> responseFormat() {
    return Optional.ofNullable(responseFormat);
  }

  /**
   * Which tools the model may or must call.
   *
   * @return the choice, or empty for the provider's default
   */
  public Optional<ToolChoice> toolChoice() {
    return Optional.ofNullable(toolChoice);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GenerationOptions)) {
      return false;
    }
    GenerationOptions g = (GenerationOptions) o;
    return java.util.Objects.equals(temperature, g.temperature)
        && java.util.Objects.equals(topP, g.topP)
        && java.util.Objects.equals(maxTokens, g.maxTokens)
        && stop.equals(g.stop)
        && java.util.Objects.equals(seed, g.seed)
        && java.util.Objects.equals(reasoningEffort, g.reasoningEffort)
        && java.util.Objects.equals(reasoningSummary, g.reasoningSummary)
        && java.util.Objects.equals(responseFormat, g.responseFormat)
        && java.util.Objects.equals(toolChoice, g.toolChoice);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(temperature, topP, maxTokens, stop, seed, reasoningEffort,
        reasoningSummary, responseFormat, toolChoice);
  }

  @Override
  public String toString() {
    return "GenerationOptions[temperature=" + temperature + ", topP=" + topP + ", maxTokens="
        + maxTokens + ", stop=" + stop + ", seed=" + seed + ", reasoningEffort=" + reasoningEffort
        + ", reasoningSummary=" + reasoningSummary + ", responseFormat=" + responseFormat
        + ", toolChoice=" + toolChoice + "]";
  }

  /** Collects options; every setter takes a value, never null. */
  public static final class Builder {
    private Double temperature;
    private Double topP;
    private Integer maxTokens;
    private List<String> stop = List.of();
    private Long seed;
    private String reasoningEffort;
    private String reasoningSummary;
    private String responseFormat;
    private ToolChoice toolChoice;

    private Builder() {}

    /**
     * Sets the sampling temperature.
     *
     * @param value the temperature
     * @return this builder
     */
    public Builder temperature(double value) {
      this.temperature = value;
      return this;
    }

    /**
     * Sets the nucleus-sampling mass.
     *
     * @param value top-p
     * @return this builder
     */
    public Builder topP(double value) {
      this.topP = value;
      return this;
    }

    /**
     * Sets the most tokens the answer may have.
     *
     * @param value the limit
     * @return this builder
     */
    public Builder maxTokens(int value) {
      this.maxTokens = value;
      return this;
    }

    /**
     * Sets the stop sequences.
     *
     * @param value the sequences
     * @return this builder
     */
    public Builder stop(List<String> value) {
      this.stop = List.copyOf(value);
      return this;
    }

    /**
     * Sets the sampling seed.
     *
     * @param value the seed
     * @return this builder
     */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /**
     * Sets the reasoning effort ({@code low}, {@code medium}, {@code high}, ...).
     *
     * @param value the effort
     * @return this builder
     */
    public Builder reasoningEffort(String value) {
      this.reasoningEffort = java.util.Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets the reasoning summary asked of the Responses API ({@code auto}, {@code detailed}, ...).
     *
     * @param value the summary
     * @return this builder
     */
    public Builder reasoningSummary(String value) {
      this.reasoningSummary = java.util.Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets the OpenAI Chat {@code response_format}, as raw JSON.
     *
     * @param json the format
     * @return this builder
     */
    public Builder responseFormat(String json) {
      this.responseFormat = java.util.Objects.requireNonNull(json);
      return this;
    }

    /**
     * Sets which tools the model may or must call.
     *
     * @param value the choice
     * @return this builder
     */
    public Builder toolChoice(ToolChoice value) {
      this.toolChoice = java.util.Objects.requireNonNull(value);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public GenerationOptions build() {
      return new GenerationOptions(this);
    }
  }
}
