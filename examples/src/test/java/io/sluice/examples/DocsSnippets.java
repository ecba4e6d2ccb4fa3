package io.sluice.examples;

import io.opentelemetry.api.OpenTelemetry;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.RequestOptions;
import io.sluice.client.SluiceClient;
import io.sluice.core.RetryPolicy;
import java.time.Duration;
import io.sluice.client.ws.ResponsesSessions;
import io.sluice.core.StreamLimits;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import io.sluice.gateway.Gateway;
import io.sluice.gateway.GatewayConfig;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import io.sluice.otel.SluiceTelemetry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The snippets of docs/*.md; DocSnippetsTest checks that each appears here as it is printed. */
final class DocsSnippets {

  /** docs/client.md: the answer's text, or an exception. */
  String clientText(SluiceClient client, ChatRequest request) {
    String answer = client.stream(request).text();
    return answer;
  }

  /** docs/client.md: options for one call. */
  String clientOptions(SluiceClient client, ChatRequest request, String orderId) {
    RequestOptions options = RequestOptions.builder()
        .header("x-tenant", "acme")              // wins over a client header of the same name
        .firstEventTimeout(Duration.ofMinutes(15)) // this call may think longer
        .retryPolicy(RetryPolicy.none())
        .idempotencyKey(orderId)                 // Idempotency-Key on every attempt, retries included
        .build();
    String answer = client.stream(request, options).text();
    return answer;
  }

  /** docs/configuration.md. */
  SseReader configuration(SseListener listener, ProviderSettings settings) {
    SseReader reader = SseReader.create(listener, StreamLimits.defaults().withMaxEventBytes(32 << 20));
    SluiceClient client = SluiceClient.builder(settings)
        .limits(StreamLimits.builder().maxErrorBodyBytes(16 << 10).build())
        .build();
    client.close();
    return reader;
  }

  /** docs/limits.md. */
  SluiceClient limits(ProviderSettings settings) {
    StreamLimits limits = StreamLimits.builder()
        .maxEventBytes(32 << 20)
        .maxErrorBodyBytes(16 << 10)
        .build();
    SluiceClient client = SluiceClient.builder(settings).limits(limits).build();
    return client;
  }

  /** docs/gateway.md. */
  void gateway() {
    try (Gateway gateway = Gateway.start(GatewayConfig.load(Path.of("sluice.yaml")))) {
      int port = gateway.port();
    }
  }

  /** docs/mock.md. */
  void mock() {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults())) {   // loopback, free port
      String openAiBase = mock.baseUrl();   // http://127.0.0.1:PORT/v1
      String anthropicBase = mock.origin(); // http://127.0.0.1:PORT
    }
  }

  /** docs/websocket.md. */
  void websocket() {
    try (SluiceClient http = SluiceClient.create(ProviderSettings.fromEnvironment(ProviderKind.OPENAI_RESPONSES));
         ResponsesSessions sessions = ResponsesSessions.builder(http).build()) {
      List<Message> conversation = new ArrayList<>(List.of(Message.system("Be brief."), Message.user("Hi")));
      FinalMessage answer = sessions.stream("chat-42", ChatRequest.builder("gpt-5.5")
          .messages(conversation).build()).finish();
      conversation.add(answer.message());
      String callId = answer.message().toolCalls().get(0).id();   // the model called a tool
      conversation.add(Message.toolResult(callId, "{\"temp\":21}"));
      // The next turn sends previous_response_id and the tool result only.
      sessions.stream("chat-42", ChatRequest.builder("gpt-5.5").messages(conversation).build()).finish();
      sessions.release("chat-42");
    }
  }

  /** docs/observability.md: the client's calls as OpenTelemetry spans and GenAI metrics. */
  void openTelemetry(ProviderSettings settings, OpenTelemetry openTelemetry) {
    SluiceClient client = SluiceClient.builder(settings)
        .listener(SluiceTelemetry.create(openTelemetry).listener())
        .build();
  }
}
