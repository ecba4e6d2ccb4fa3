package io.sluice.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.Message;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A streamed call through the listener, read back from in-memory exporters. */
class SluiceTelemetryTest {
  static final String CHAT = """
      data: {"id":"c1","object":"chat.completion.chunk","model":"m1-2026","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}

      data: {"id":"c1","object":"chat.completion.chunk","model":"m1-2026","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

      data: {"id":"c1","object":"chat.completion.chunk","model":"m1-2026","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}

      data: [DONE]

      """;

  @Test
  void aStreamBecomesOneSpanAndTheGenAiClientMetrics() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      byte[] body = CHAT.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (SluiceClient client = SluiceClient.builder(ProviderSettings.builder(ProviderKind.OPENAI_CHAT)
            .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
            .apiKey("sk-test").build())
        .listener(SluiceTelemetry.create(otel).listener()).build()) {
      client.complete(ChatRequest.builder("m1").message(Message.user("hi")).stream(true).build());
    } finally {
      server.stop(0);
    }
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("chat m1");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model")))
        .isEqualTo("m1-2026");
    assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
        .isEqualTo(3L);
    assertThat(span.getEvents()).anySatisfy(e -> assertThat(e.getName())
        .isEqualTo("gen_ai.first_token"));
    Map<String, MetricData> byName = metrics.collectAllMetrics().stream()
        .collect(Collectors.toMap(MetricData::getName, m -> m));
    assertThat(byName).containsKeys("gen_ai.client.operation.duration",
        "gen_ai.client.token.usage", "gen_ai.client.operation.time_to_first_chunk");
    assertThat(byName.get("gen_ai.client.token.usage").getHistogramData().getPoints())
        .anySatisfy(p -> {
          assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type")))
              .isEqualTo("output");
          assertThat(p.getSum()).isEqualTo(3.0);
        });
    assertThat(List.copyOf(byName.get("gen_ai.client.operation.duration").getHistogramData()
        .getPoints()).get(0).getBoundaries()).containsExactlyElementsOf(
            SluiceTelemetry.DURATION_BUCKETS);
  }
}
