package io.sluice.client.internal;

import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import java.util.List;
import java.util.Locale;

/**
 * A client for a provider's own host without an API key could only ever get 401s, after a
 * connection to the public host: it is refused when the client is built, naming the setting.
 * Local and compatible servers need no key; neither does a host the provider does not run (a
 * gateway, a proxy), nor settings that carry their own auth header.
 */
final class KeyCheck {
  /** Hosts that always want a key: each provider's public API, and Azure OpenAI resources. */
  private static final List<String> HOSTS =
      List.of("api.openai.com", "api.anthropic.com", "api.mistral.ai");

  private static final List<String> AUTH_HEADERS = List.of("authorization", "x-api-key", "api-key");

  private KeyCheck() {}

  /** @throws IllegalArgumentException when the host needs a key and none is set */
  static void check(ProviderSettings settings) {
    if (!settings.apiKey().isEmpty() || settings.kind() == ProviderKind.OPENAI_COMPATIBLE) {
      return;
    }
    for (String header : AUTH_HEADERS) {
      if (settings.header(header).isPresent()) {
        return;
      }
    }
    String host = settings.baseUrl().getHost().toLowerCase(Locale.ROOT);
    boolean needsKey = HOSTS.contains(host) || settings.azure()
        || host.endsWith(".openai.azure.com");
    if (needsKey) {
      throw new IllegalArgumentException("no API key for " + settings.kind() + " at "
          + settings.baseUrl() + ": set " + settings.kind().apiKeyVariable()
          + " or ProviderSettings.builder(" + settings.kind().name() + ").apiKey(...)");
    }
  }
}
