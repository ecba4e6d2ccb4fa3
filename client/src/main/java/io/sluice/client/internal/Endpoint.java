package io.sluice.client.internal;

import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.WireCodec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** One provider's URL, headers and codec: how each attempt's request is built. */
final class Endpoint {
  static final String ANTHROPIC_VERSION = "2023-06-01";

  final ProviderSettings settings;
  final WireCodec codec;
  final URI uri;

  Endpoint(ProviderSettings settings) {
    this.settings = settings;
    this.codec = codec(settings);
    String base = settings.baseUrl().toString();
    String path;
    switch (settings.kind()) {
      case OPENAI_RESPONSES:
        path = "/responses";
        break;
      case ANTHROPIC:
        // Anthropic's SDKs take the base URL without /v1; accept it with /v1 too.
        path = base.endsWith("/v1") ? "/messages" : "/v1/messages";
        break;
      default:
        path = "/chat/completions";
        break;
    }
    String query = settings.azure()
        ? "?api-version=" + URLEncoder.encode(settings.azureApiVersion(), StandardCharsets.UTF_8)
        : "";
    this.uri = URI.create(base + path + query);
  }

  static WireCodec codec(ProviderSettings settings) {
    switch (settings.kind()) {
      case OPENAI_RESPONSES:
        return WireCodec.openAiResponses();
      case ANTHROPIC:
        return WireCodec.anthropic();
      case MISTRAL:
        return WireCodec.openAiChat(ChatDialect.MISTRAL);
      case OPENAI_COMPATIBLE:
        return WireCodec.openAiChat(ChatDialect.COMPATIBLE);
      default:
        return WireCodec.openAiChat(settings.azure() ? ChatDialect.AZURE : ChatDialect.OPENAI);
    }
  }

  /** One attempt's request; {@code callHeaders} (a call's own) win over every other header. */
  HttpRequest request(byte[] body, boolean stream, Duration headersTimeout,
      Map<String, String> callHeaders) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(headersTimeout)
        .header("content-type", "application/json")
        .header("accept", stream ? "text/event-stream" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if ("http".equalsIgnoreCase(uri.getScheme())) {
      // Cleartext: no "Upgrade: h2c". With it, a server that upgrades and then closes mid-stream
      // (GOAWAY) made the JDK client lose delivered-but-unread data, reuse the dying connection
      // (ClosedChannelException) or wait forever for headers (ClientDropTest in the gateway).
      b.version(java.net.http.HttpClient.Version.HTTP_1_1);
    }
    String key = settings.apiKey();
    if (settings.kind() == ProviderKind.ANTHROPIC) {
      if (!key.isEmpty()) {
        b.header("x-api-key", key);
      }
      if (settings.header("anthropic-version").isEmpty()) {
        b.header("anthropic-version", ANTHROPIC_VERSION);
      }
    } else if (!key.isEmpty()) {
      if (settings.azure()) {
        b.header("api-key", key);
      } else {
        b.header("authorization", "Bearer " + key);
      }
    }
    for (Map.Entry<String, String> e : settings.headers().entrySet()) {
      b.setHeader(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : callHeaders.entrySet()) {
      b.setHeader(e.getKey(), e.getValue());
    }
    return b.build();
  }

  /** The provider's request id: OpenAI's {@code x-request-id}, Anthropic's {@code request-id}. */
  static String requestId(HttpHeaders headers) {
    return headers.firstValue("x-request-id")
        .or(() -> headers.firstValue("request-id"))
        .orElse("");
  }

  static Function<String, Optional<String>> lookup(HttpHeaders headers) {
    return name -> headers.firstValue(name);
  }

  static boolean isEventStream(HttpHeaders headers) {
    return headers.firstValue("content-type")
        .map(v -> v.trim().toLowerCase(Locale.ROOT).startsWith("text/event-stream"))
        .orElse(false);
  }

  /** Masks the API key wherever a provider's message repeats it. */
  String redact(String text) {
    String key = settings.apiKey();
    return key.length() >= 4 && text.contains(key) ? text.replace(key, "***") : text;
  }
}
