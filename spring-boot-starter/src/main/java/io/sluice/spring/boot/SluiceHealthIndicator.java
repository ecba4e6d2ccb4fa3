package io.sluice.spring.boot;

import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Whether the provider answers with the configured key: a {@code GET} of its model list, which
 * every supported provider serves, costs no tokens and needs the same key as a chat. Up on a 2xx,
 * down on anything else, with the status or the connection error (never the key) in the details.
 * Azure deployments have no model list at their base URL: their health is unknown.
 */
public final class SluiceHealthIndicator implements HealthIndicator {

  /** Sent when the settings name no version, as the client does. */
  private static final String ANTHROPIC_VERSION = "2023-06-01";

  private final ProviderSettings settings;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * Creates the indicator.
   *
   * @param settings the provider to probe
   * @param timeout the connect and response timeout of one probe
   */
  public SluiceHealthIndicator(ProviderSettings settings, Duration timeout) {
    this.settings = settings;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public Health health() {
    Health.Builder details = Health.unknown().withDetail("provider", settings.kind().toString())
        .withDetail("baseUrl", settings.baseUrl().toString());
    if (settings.azure()) {
      return details.withDetail("probe", "none: Azure deployments list no models").build();
    }
    HttpRequest request = probe();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      details.withDetail("status", status);
      if (status >= 200 && status < 300) {
        return details.up().build();
      }
      if (status == 401 || status == 403) {
        return details.down().withDetail("error", "the provider refused the API key").build();
      }
      return details.down().withDetail("error", "the model list answered " + status).build();
    } catch (IOException e) {
      return details.down().withDetail("error", e.getClass().getSimpleName() + ": "
          + e.getMessage()).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return details.down().withDetail("error", "interrupted").build();
    }
  }

  private HttpRequest probe() {
    String base = settings.baseUrl().toString();
    boolean anthropic = settings.kind() == ProviderKind.ANTHROPIC;
    String path = anthropic && !base.endsWith("/v1") ? "/v1/models" : "/models";
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .GET();
    for (Map.Entry<String, String> h : settings.headers().entrySet()) {
      b.header(h.getKey(), h.getValue());
    }
    String key = settings.apiKey();
    if (!key.isEmpty()) {
      if (anthropic) {
        b.header("x-api-key", key);
      } else if (settings.header("authorization").isEmpty()) {
        b.header("authorization", "Bearer " + key);
      }
    }
    if (anthropic && settings.header("anthropic-version").isEmpty()) {
      b.header("anthropic-version", ANTHROPIC_VERSION);
    }
    return b.build();
  }
}
