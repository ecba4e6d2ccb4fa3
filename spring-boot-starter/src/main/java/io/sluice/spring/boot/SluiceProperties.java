package io.sluice.spring.boot;

import io.sluice.client.ClientTimeouts;
import io.sluice.client.ProviderKind;
import io.sluice.core.RetryPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code sluice.client.*} settings of the auto-configured client. What is not set comes from
 * the environment ({@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, ...), then from the provider's
 * defaults, as with {@code ProviderSettings.builder}.
 *
 * <pre>
 * sluice:
 *   client:
 *     provider: anthropic
 *     api-key: ${ANTHROPIC_API_KEY}
 *     timeouts:
 *       first-event: 60s
 *       idle: 30s
 * </pre>
 */
@ConfigurationProperties(prefix = "sluice.client")
public class SluiceProperties {

  /** Whether to create a SluiceClient bean. */
  private boolean enabled = true;

  /** The provider and its wire format. */
  private ProviderKind provider = ProviderKind.OPENAI_CHAT;

  /** The provider's base URL; by default the *_BASE_URL variable, else the provider's own. */
  private String baseUrl = "";

  /** The API key; by default the provider's *_API_KEY variable. Never logged. */
  private String apiKey = "";

  /** Extra headers sent on every request. */
  private Map<String, String> headers = new LinkedHashMap<>();

  /** Azure OpenAI's api-version; setting it sends the key in an api-key header. */
  private String azureApiVersion = "";

  /** The client's timeouts. */
  private final Timeouts timeouts = new Timeouts();

  /** Retries before the first event. */
  private final Retry retry = new Retry();

  /**
   * Whether the bean is created.
   *
   * @return the setting
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets whether the bean is created.
   *
   * @param enabled the setting
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The provider.
   *
   * @return the provider
   */
  public ProviderKind getProvider() {
    return provider;
  }

  /**
   * Sets the provider: {@code openai-chat}, {@code openai-responses}, {@code anthropic},
   * {@code mistral} or {@code openai-compatible}.
   *
   * @param provider the provider
   */
  public void setProvider(ProviderKind provider) {
    this.provider = provider;
  }

  /**
   * The base URL, empty for the default.
   *
   * @return the base URL
   */
  public String getBaseUrl() {
    return baseUrl;
  }

  /**
   * Sets the base URL.
   *
   * @param baseUrl an absolute http(s) URL
   */
  public void setBaseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /**
   * The API key, empty for the environment's.
   *
   * @return the key
   */
  public String getApiKey() {
    return apiKey;
  }

  /**
   * Sets the API key.
   *
   * @param apiKey the key
   */
  public void setApiKey(String apiKey) {
    this.apiKey = apiKey;
  }

  /**
   * Extra headers.
   *
   * @return name to value
   */
  public Map<String, String> getHeaders() {
    return headers;
  }

  /**
   * Sets the extra headers.
   *
   * @param headers name to value
   */
  public void setHeaders(Map<String, String> headers) {
    this.headers = headers;
  }

  /**
   * Azure's api-version, empty when not Azure.
   *
   * @return the version
   */
  public String getAzureApiVersion() {
    return azureApiVersion;
  }

  /**
   * Sets Azure's api-version.
   *
   * @param azureApiVersion the version
   */
  public void setAzureApiVersion(String azureApiVersion) {
    this.azureApiVersion = azureApiVersion;
  }

  /**
   * The timeouts.
   *
   * @return the timeouts
   */
  public Timeouts getTimeouts() {
    return timeouts;
  }

  /**
   * The retry settings.
   *
   * @return the retry settings
   */
  public Retry getRetry() {
    return retry;
  }

  /** The client's timeouts; each is separate (see {@link ClientTimeouts}). */
  public static class Timeouts {
    /** Opening the TCP (and TLS) connection. */
    private Duration connect = Duration.ofSeconds(ClientTimeouts.DEFAULT_CONNECT_SECONDS);

    /** From sending the request to its response headers. */
    private Duration responseHeaders =
        Duration.ofSeconds(ClientTimeouts.DEFAULT_RESPONSE_HEADERS_SECONDS);

    /** From sending the request to the first model event (time to first token). */
    private Duration firstEvent = Duration.ofSeconds(ClientTimeouts.DEFAULT_FIRST_EVENT_SECONDS);

    /** The longest silence while a started stream is waited for. */
    private Duration idle = Duration.ofSeconds(ClientTimeouts.DEFAULT_IDLE_SECONDS);

    /** The whole call, retries included; 0 for none. */
    private Duration total = Duration.ZERO;

    /** Creates the defaults. */
    public Timeouts() {}

    /**
     * The connect timeout.
     *
     * @return the timeout
     */
    public Duration getConnect() {
      return connect;
    }

    /**
     * Sets the connect timeout.
     *
     * @param connect the timeout
     */
    public void setConnect(Duration connect) {
      this.connect = connect;
    }

    /**
     * The response-headers timeout.
     *
     * @return the timeout
     */
    public Duration getResponseHeaders() {
      return responseHeaders;
    }

    /**
     * Sets the response-headers timeout.
     *
     * @param responseHeaders the timeout
     */
    public void setResponseHeaders(Duration responseHeaders) {
      this.responseHeaders = responseHeaders;
    }

    /**
     * The first-event timeout.
     *
     * @return the timeout
     */
    public Duration getFirstEvent() {
      return firstEvent;
    }

    /**
     * Sets the first-event timeout.
     *
     * @param firstEvent the timeout
     */
    public void setFirstEvent(Duration firstEvent) {
      this.firstEvent = firstEvent;
    }

    /**
     * The idle timeout.
     *
     * @return the timeout
     */
    public Duration getIdle() {
      return idle;
    }

    /**
     * Sets the idle timeout.
     *
     * @param idle the timeout
     */
    public void setIdle(Duration idle) {
      this.idle = idle;
    }

    /**
     * The total timeout, zero for none.
     *
     * @return the timeout
     */
    public Duration getTotal() {
      return total;
    }

    /**
     * Sets the total timeout.
     *
     * @param total the timeout, zero for none
     */
    public void setTotal(Duration total) {
      this.total = total;
    }

    ClientTimeouts toClientTimeouts() {
      return new ClientTimeouts(connect, responseHeaders, firstEvent, idle, total);
    }
  }

  /** Retries before the first event (see {@link RetryPolicy}). */
  public static class Retry {
    /** How many times a failed call is sent again; 0 never retries. */
    private int maxRetries = RetryPolicy.DEFAULT_MAX_RETRIES;

    /** The longest Retry-After honoured; a longer one fails the call at once. */
    private Duration maxRetryAfter = RetryPolicy.DEFAULT_MAX_RETRY_AFTER;

    /** The first backoff, doubled on each retry. */
    private Duration initialBackoff = RetryPolicy.DEFAULT_INITIAL_BACKOFF;

    /** The longest backoff. */
    private Duration maxBackoff = RetryPolicy.DEFAULT_MAX_BACKOFF;

    /** Creates the defaults. */
    public Retry() {}

    /**
     * The retry count.
     *
     * @return the count
     */
    public int getMaxRetries() {
      return maxRetries;
    }

    /**
     * Sets the retry count.
     *
     * @param maxRetries the count, 0 for none
     */
    public void setMaxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
    }

    /**
     * The longest Retry-After honoured.
     *
     * @return the duration
     */
    public Duration getMaxRetryAfter() {
      return maxRetryAfter;
    }

    /**
     * Sets the longest Retry-After honoured.
     *
     * @param maxRetryAfter the duration
     */
    public void setMaxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
    }

    /**
     * The first backoff.
     *
     * @return the duration
     */
    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    /**
     * Sets the first backoff.
     *
     * @param initialBackoff the duration
     */
    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    /**
     * The longest backoff.
     *
     * @return the duration
     */
    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    /**
     * Sets the longest backoff.
     *
     * @param maxBackoff the duration
     */
    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    RetryPolicy toRetryPolicy() {
      return RetryPolicy.defaults().withMaxRetries(maxRetries).withMaxRetryAfter(maxRetryAfter)
          .withBackoff(initialBackoff, maxBackoff);
    }
  }
}
