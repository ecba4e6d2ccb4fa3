package io.sluice.gateway;

import static io.sluice.gateway.OtlpReceiver.attribute;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.Span;
import io.sluice.core.codec.ChatDialect;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Spans exported over OTLP to a receiver on loopback, read back after the gateway closed. */
class TracingTest {
  static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CLIENT_SPAN = "00f067aa0ba902b7";

  static GatewayConfig traced(String baseUrl, OtlpReceiver otlp) {
    GatewayConfig.Target target = new GatewayConfig.Target(UpstreamKind.OPENAI_CHAT,
        ChatDialect.OPENAI, baseUrl, "", keys(16), 64);
    return GatewayConfig.of(List.of(new GatewayConfig.Route("m1", List.of(target))))
        .withTelemetry(GatewayConfig.Telemetry.defaults().withTraces(otlp.tracesUrl(), 1.0));
  }

  static List<String> keys(int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add("k" + i);
    }
    return keys;
  }

  static String body(String model) {
    return "{\"model\":\"" + model + "\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  @Test
  @Timeout(180)
  void everySpanClosesAcrossRetriesFailuresAndCancellations() throws Exception {
    int requests = 1000;
    try (OtlpReceiver otlp = new OtlpReceiver();
        MockProvider mock = MockProvider.start(MockOptions.defaults())) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      try (GatewayHarness gw = new GatewayHarness(traced(mock.baseUrl(), otlp))) {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          int n = i;
          all.add(pool.submit(() -> {
            call(gw, http, n);
            return null;
          }));
        }
        for (Future<?> f : all) {
          f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        Awaits.until(() -> gw.log.size() == requests);
        // Cancelled streams keep their error.type and partial tokens in the metrics too.
        assertThat(GenAiMetricsTest.value(gw.get("/metrics").body(),
            "gen_ai_client_token_usage_sum", Map.of("error_type", "client_closed",
                "gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", "m1", "gen_ai_response_model", "m1",
                "gen_ai_token_type", "output"))).isPositive();
      } // closing the gateway exports what is left
      List<Span> spans = otlp.spans;
      Map<ByteString, Span> servers = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
          .collect(Collectors.toMap(Span::getSpanId, s -> s));
      List<Span> clients = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
          .toList();
      assertThat(servers).hasSize(requests);
      assertThat(clients).allSatisfy(c -> {
        Span parent = servers.get(c.getParentSpanId());
        assertThat(parent).as("the attempt's request span").isNotNull();
        assertThat(c.getTraceId()).isEqualTo(parent.getTraceId());
      });
      assertThat(servers.values()).allSatisfy(s -> {
        assertThat(HexFormat.of().formatHex(s.getTraceId().toByteArray())).isEqualTo(CLIENT_TRACE);
        assertThat(HexFormat.of().formatHex(s.getParentSpanId().toByteArray()))
            .isEqualTo(CLIENT_SPAN);
        assertThat(s.getEndTimeUnixNano()).isGreaterThanOrEqualTo(s.getStartTimeUnixNano());
      });
      Map<ByteString, Long> attemptsPerRequest = clients.stream()
          .collect(Collectors.groupingBy(Span::getParentSpanId, Collectors.counting()));
      // 429s and 500s are retried: the retries are sibling attempts under one request. (A 429
      // while every key is cooling is answered at once, without an attempt to retry.)
      List<Span> retried = servers.values().stream()
          .filter(s -> attemptsPerRequest.getOrDefault(s.getSpanId(), 0L) > 1).toList();
      assertThat(retried).isNotEmpty();
      assertThat(clients).anySatisfy(c -> assertThat(attribute(c, "error.type"))
          .isEqualTo("http_429"));
      assertThat(servers.values()).filteredOn(s -> attribute(s, "error.type").equals("http_500"))
          .hasSize(requests / 10);
      List<Span> cancelled = servers.values().stream()
          .filter(s -> attribute(s, "error.type").equals("client_closed")).toList();
      assertThat(cancelled).hasSize(requests / 10).allSatisfy(s -> assertThat(
          Long.parseLong(attribute(s, "gen_ai.usage.output_tokens"))).isPositive());
      assertThat(servers.values()).filteredOn(s -> attribute(s, "error.type").isEmpty())
          .allSatisfy(s -> assertThat(s.getEventsList()).anySatisfy(
              e -> assertThat(e.getName()).isEqualTo("gen_ai.first_token")));
    }
  }

  /**
   * Every fiftieth a 429 then a success (each 429 rests a key for a second: more would leave
   * every key resting), every tenth a 500, every tenth cancelled mid-stream.
   */
  static void call(GatewayHarness gw, HttpClient http, int n) throws Exception {
    String mock = switch (n % 10) {
      case 0 -> n % 50 == 0 ? "fault=status:429;times=1, tokens=5, id=r" + n : "tokens=5";
      case 1 -> "fault=status:500, tokens=5";
      case 2 -> "tokens=1000, tps=200";
      default -> "tokens=5";
    };
    HttpRequest request = gw.post("/v1/chat/completions", body("m1"))
        .header("x-sluice-mock", mock)
        .header("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01").build();
    if (n % 10 == 2) {
      HttpResponse<java.io.InputStream> r = http.send(request,
          HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.InputStream in = r.body()) {
        byte[] b = new byte[4096];
        String seen = "";
        while (!seen.contains("content") && in.read(b) > 0) {
          seen = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
      } // closed mid-stream: the client is gone
      return;
    }
    http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theUpstreamSeesTheAttemptAsItsParent() throws Exception {
    try (OtlpReceiver otlp = new OtlpReceiver();
        LoopbackUpstream upstream = LoopbackUpstream.streaming("""
            data: {"id":"c1","object":"chat.completion.chunk","model":"m1","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","model":"m1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: [DONE]

            """)) {
      try (GatewayHarness gw = new GatewayHarness(traced(upstream.baseUrl(), otlp))) {
        gw.send(gw.post("/v1/chat/completions", body("m1"))
            .header("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01")
            .header("tracestate", "vendor=1").build());
        Awaits.until(() -> gw.log.size() == 1);
      }
      Span attempt = otlp.spans.stream()
          .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).findFirst().orElseThrow();
      String seen = upstream.calls.get(0).headers.get("traceparent");
      assertThat(seen).isEqualTo("00-" + CLIENT_TRACE + "-"
          + HexFormat.of().formatHex(attempt.getSpanId().toByteArray()) + "-01");
      assertThat(upstream.calls.get(0).headers.get("tracestate")).isEqualTo("vendor=1");
      assertThat(attribute(attempt, "gen_ai.provider.name")).isEqualTo("openai");
      assertThat(attribute(attempt, "server.address")).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void tracingOffPassesTheClientsTraceparentThrough() throws Exception {
    try (LoopbackUpstream upstream = LoopbackUpstream.streaming("data: [DONE]\n\n");
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route(
            "m1", List.of(GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT,
                upstream.baseUrl()))))))) {
      String parent = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";
      gw.send(gw.post("/v1/chat/completions", body("m1")).header("traceparent", parent).build());
      assertThat(upstream.calls.get(0).headers.get("traceparent")).isEqualTo(parent);
    }
  }
}
