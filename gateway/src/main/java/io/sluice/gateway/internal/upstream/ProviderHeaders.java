package io.sluice.gateway.internal.upstream;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.WireFormat;
import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The headers of a request to an upstream: the client's that may cross, then what the provider
 * wants, its key in its own header and its API version. Nothing here knows about one attempt.
 */
public final class ProviderHeaders {
  /** RFC 9110 §7.6.1 connection-specific headers, and the framing the gateway redoes itself. */
  public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade", "content-length", "content-encoding", "host");

  /** The client's credentials are for the gateway; upstream keys are set per target. */
  private static final Set<String> CLIENT_ONLY = Set.of("authorization", "x-api-key",
      "api-key", "accept-encoding", "cookie", "expect");

  /** The Anthropic API version sent when the client named none. */
  static final String ANTHROPIC_VERSION = "2023-06-01";

  private ProviderHeaders() {}

  /** Client request headers to forward upstream: all but hop-by-hop and the client's secrets. */
  static void forward(MultiMap from, MultiMap to) {
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !CLIENT_ONLY.contains(name)) {
        to.add(e.getKey(), e.getValue());
      }
    }
  }

  /** The upstream key in the header its provider reads; nothing for a target without a key. */
  static void key(MultiMap to, WireFormat format, ChatDialect dialect, String apiKey) {
    if (apiKey.isEmpty()) {
      return;
    }
    if (format == WireFormat.ANTHROPIC_MESSAGES) {
      to.set("x-api-key", apiKey);
    } else if (format == WireFormat.OPENAI_CHAT && dialect == ChatDialect.AZURE) {
      to.set("api-key", apiKey); // Azure OpenAI's key header
    } else {
      to.set("Authorization", "Bearer " + apiKey);
    }
  }

  /** The provider's API version, unless the client chose one. */
  static void version(MultiMap to, WireFormat format) {
    if (format == WireFormat.ANTHROPIC_MESSAGES && !to.contains("anthropic-version")) {
      to.set("anthropic-version", ANTHROPIC_VERSION);
    }
  }
}
