package io.sluice.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where and how to reach one provider. Build it with {@link #builder(ProviderKind)}: what is not
 * set comes from the environment ({@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY},
 * {@code MISTRAL_API_KEY}; {@code *_BASE_URL} overrides the base URL), then from the kind's
 * defaults. {@link #toString()} never shows the API key.
 *
 * @param kind the provider and its wire format
 * @param baseUrl the provider's base URL, without a trailing slash
 * @param apiKey the API key, or empty to send none (a local server)
 * @param headers extra request headers, sent on every request
 * @param azureApiVersion empty, or Azure's {@code api-version}: the key then goes in an
 *     {@code api-key} header and the version in the {@code api-version} query parameter
 */
public record ProviderSettings(
    ProviderKind kind, URI baseUrl, String apiKey, Map<String, String> headers,
    String azureApiVersion) {

  /** Checks the components and that the base URL is an absolute http(s) URL. */
  public ProviderSettings {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(apiKey, "apiKey");
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    Objects.requireNonNull(azureApiVersion, "azureApiVersion");
    String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "the base URL must be an absolute http or https URL, was '" + baseUrl + "'");
    }
  }

  /**
   * Starts settings for {@code kind}.
   *
   * @param kind the provider
   * @return the builder
   */
  public static Builder builder(ProviderKind kind) {
    return new Builder(kind);
  }

  /** The kind's settings from the environment and defaults alone. */
  public static ProviderSettings fromEnvironment(ProviderKind kind) {
    return builder(kind).build();
  }

  /**
   * Whether these are Azure OpenAI settings.
   *
   * @return whether an api-version is set
   */
  public boolean azure() {
    return !azureApiVersion.isEmpty();
  }

  /** A header's configured value by case-insensitive name. */
  public Optional<String> header(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    // Keys and header values (which may hold tokens) never reach a log.
    return "ProviderSettings[kind=" + kind + ", baseUrl=" + baseUrl
        + ", apiKey=" + (apiKey.isEmpty() ? "none" : "***") + ", headers=" + headers.keySet()
        + (azure() ? ", azureApiVersion=" + azureApiVersion : "") + "]";
  }

  /** Assembles settings; unset values come from the environment, then from the kind. */
  public static final class Builder {
    private final ProviderKind kind;
    private String baseUrl;
    private String apiKey;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String azureApiVersion = "";

    private Builder(ProviderKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Sets the base URL.
     *
     * @param value an absolute http(s) URL
     * @return this builder
     */
    public Builder baseUrl(String value) {
      this.baseUrl = Objects.requireNonNull(value, "baseUrl");
      return this;
    }

    /**
     * Sets the API key; empty sends none.
     *
     * @param value the key
     * @return this builder
     */
    public Builder apiKey(String value) {
      this.apiKey = Objects.requireNonNull(value, "apiKey");
      return this;
    }

    /**
     * Adds a header sent on every request.
     *
     * @param name the header's name
     * @param value its value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Azure OpenAI: {@code api-key} header and {@code ?api-version=value}. */
    public Builder azure(String apiVersion) {
      this.azureApiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
      return this;
    }

    /**
     * Builds the settings, reading the environment for what is not set.
     *
     * @return the settings
     * @throws IllegalArgumentException when the base URL is not an http(s) URL
     */
    public ProviderSettings build() {
      return build(System::getenv);
    }

    /** As {@link #build()}, reading the environment through {@code env} (null when unset). */
    ProviderSettings build(Function<String, String> env) {
      String url = baseUrl;
      if (url == null) {
        url = nonBlank(env.apply(kind.baseUrlVariable())).orElse(kind.defaultBaseUrl());
      }
      String key = apiKey;
      if (key == null) {
        key = nonBlank(env.apply(kind.apiKeyVariable())).orElse("");
      }
      String trimmed = url.trim();
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      URI uri;
      try {
        uri = new URI(trimmed);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("the base URL is not a URL: '" + url + "'");
      }
      return new ProviderSettings(kind, uri, key.trim(), headers, azureApiVersion);
    }

    private static Optional<String> nonBlank(String value) {
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
  }
}
