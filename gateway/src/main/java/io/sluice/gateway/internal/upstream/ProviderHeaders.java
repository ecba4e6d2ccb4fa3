package io.sluice.gateway.internal.upstream;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.WireFormat;
import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.List;
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

  /**
   * The client headers a provider needs, forwarded by default: API versions and betas (which
   * change the wire format the client expects back), tracing ids, idempotency, and the mock's
   * controls ({@code x-sluice-*}). Everything else stays at the gateway: credentials, cookies,
   * SDK telemetry, and above all {@code OpenAI-Organization} and {@code OpenAI-Project}, which
   * choose whose account a call on the gateway's key is billed to; a target may add names with
   * {@code forward-headers}.
   */
  static final Set<String> ALLOWED = Set.of("anthropic-version", "anthropic-beta",
      "openai-beta", "x-request-id", "request-id", "x-client-request-id", "traceparent",
      "tracestate", "idempotency-key");
  static final String ALLOWED_PREFIX = "x-sluice-";

  /** Never forwarded, even when a target names them: the gateway's own concerns. */
  private static final Set<String> NEVER = Set.of("authorization", "x-api-key", "api-key",
      "accept-encoding", "cookie", "expect", "content-type");

  /** The Anthropic API version sent when the client named none. */
  static final String ANTHROPIC_VERSION = "2023-06-01";

  private ProviderHeaders() {}

  /**
   * Client request headers to forward upstream: those on the allow-list or named by the target,
   * never a hop-by-hop one, nor one the client's {@code Connection} header names (RFC 9110
   * §7.6.1: those are for the gateway alone), nor the client's credentials.
   */
  static void forward(MultiMap from, List<String> alsoAllowed, MultiMap to) {
    // Most requests have no Connection header, or one without names: no set for them.
    Set<String> connection = Set.of();
    if (from.contains("connection")) {
      connection = new HashSet<>();
      for (String v : from.getAll("connection")) {
        for (String token : v.split(",")) {
          connection.add(token.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      boolean allowed = ALLOWED.contains(name) || name.startsWith(ALLOWED_PREFIX)
          || containsIgnoreCase(alsoAllowed, name);
      if (allowed && !HOP_BY_HOP.contains(name) && !NEVER.contains(name)
          && !connection.contains(name)) {
        to.add(e.getKey(), e.getValue());
      }
    }
  }

  private static boolean containsIgnoreCase(List<String> names, String name) {
    for (String n : names) {
      if (n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
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
