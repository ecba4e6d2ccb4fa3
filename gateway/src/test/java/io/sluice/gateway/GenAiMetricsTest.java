package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.sluice.core.codec.ChatDialect;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The GenAI meters against the simulated provider at a known pace (time to first token 300 ms,
 * then 20 tokens a second, 40 tokens), 200 streams at once, read back from /metrics.
 *
 * <p>What the gateway measures cannot be compared with a fixed window: on a loaded machine each
 * stream is late by however long the scheduler makes it. It is compared instead with bounds that
 * hold for each request whatever the load. The gateway's clock for a request starts after the
 * client sent it and before the simulated provider started its schedule, and the provider sends
 * token k no sooner than {@code 300 ms + k × 50 ms} (less its 1 ms timer slack) after that. The
 * gateway sees the first token before the client does, and the last before the client's stream
 * ends. So, with {@code s} when the client sent, {@code f} when it saw the first token and
 * {@code e} when its stream ended:
 *
 * <ul>
 *   <li>time to first token is in {@code (0.299 s, f - s]};
 *   <li>time per output token, {@code (last - first) / 39}, is in
 *       {@code [(2.249 s - (f - s)) / 39, (e - s - 0.299 s) / 39]}.
 * </ul>
 *
 * <p>Each aggregate the gateway publishes (sum, histogram bucket, median) is then bracketed by the
 * same aggregate of the lower and of the upper bounds. On an idle machine the brackets are a few
 * milliseconds wide around 300 ms and 50 ms.
 */
class GenAiMetricsTest {
  static final String PACE = "ttft=300ms, tps=20, tokens=40";
  static final int STREAMS = 200;
  static final int TOKENS = 40;
  /** The simulated provider sends a token up to 1 ms before its due time (StreamPlayer). */
  static final double SLACK = 0.001;
  static final double FIRST_TOKEN = 0.300 - SLACK;
  static final double LAST_TOKEN = 0.300 + (TOKENS - 1) * 0.050 - SLACK;
  /** The quantile summaries keep three significant digits (percentilePrecision(3)). */
  static final double PRECISION = 1e-3;
  static final Pattern LOGGED_TTFT = Pattern.compile(" ttft=(\\d+)ms ");

  static String stream(String model) {
    return "{\"model\":\"" + model + "\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  static GatewayConfig config(MockProvider mock) {
    GatewayConfig.Target target = new GatewayConfig.Target(UpstreamKind.OPENAI_CHAT,
        ChatDialect.OPENAI, mock.baseUrl(), "", List.of(), 256);
    // "warm" takes the first streams, while classes load and code compiles: its series are
    // apart from m1's, which the assertions read.
    return GatewayConfig.of(List.of(new GatewayConfig.Route("m1", List.of(target)),
        new GatewayConfig.Route("warm", List.of(target))));
  }

  @Test
  @Timeout(120)
  void aKnownPaceReadsBackFromMetrics() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(config(mock))) {
      run(gw, "warm", 20);
      List<Timed> streams = run(gw, "m1", STREAMS);
      Awaits.until(() -> gw.log.size() == 20 + STREAMS);
      String metrics = gw.get("/metrics").body();
      Map<String, String> m1 = Map.of("gen_ai_request_model", "m1");

      assertThat(value(metrics, "gen_ai_client_token_usage_sum",
          Map.of("gen_ai_request_model", "m1", "gen_ai_response_model", "m1",
              "gen_ai_token_type", "output"))).isEqualTo(STREAMS * TOKENS);

      double[] ttftLow = new double[STREAMS];
      double[] ttftHigh = new double[STREAMS];
      double[] tpotLow = new double[STREAMS];
      double[] tpotHigh = new double[STREAMS];
      for (int i = 0; i < STREAMS; i++) {
        Timed t = streams.get(i);
        ttftLow[i] = FIRST_TOKEN;
        ttftHigh[i] = t.firstToken();
        tpotLow[i] = (LAST_TOKEN - t.firstToken()) / (TOKENS - 1) - 1e-9; // ns truncation
        tpotHigh[i] = (t.end() - FIRST_TOKEN) / (TOKENS - 1);
      }
      bracketed(metrics, "gen_ai_server_time_to_first_token_seconds", m1, ttftLow, ttftHigh);
      bracketed(metrics, "gen_ai_server_time_per_output_token_seconds", m1, tpotLow, tpotHigh);
      double ttftP50 = value(metrics, "sluice_gateway_time_to_first_token_seconds",
          Map.of("gen_ai_request_model", "m1", "quantile", "0.5"));
      assertThat(ttftP50).as("time to first token p50 (s)").isBetween(
          median(ttftLow) * (1 - PRECISION), median(ttftHigh) * (1 + PRECISION));

      // Tighter, whatever the load: the same requests' log lines, in whole milliseconds, hold
      // what the gateway measured; the meters must report just that.
      double[] loggedLow = new double[STREAMS];
      double[] loggedHigh = new double[STREAMS];
      int n = 0;
      for (String line : gw.log) {
        Matcher m = LOGGED_TTFT.matcher(line);
        if (line.contains(" model=m1 ") && m.find()) {
          loggedLow[n] = Long.parseLong(m.group(1)) / 1e3;
          loggedHigh[n++] = (Long.parseLong(m.group(1)) + 1) / 1e3;
        }
      }
      assertThat(n).as("log lines of m1 with a ttft").isEqualTo(STREAMS);
      bracketed(metrics, "gen_ai_server_time_to_first_token_seconds", m1, loggedLow, loggedHigh);
      assertThat(ttftP50).as("time to first token p50 (s) against the log").isBetween(
          median(loggedLow) * (1 - PRECISION), median(loggedHigh) * (1 + PRECISION));
      assertThat(value(metrics, "sluice_gateway_time_per_output_token_seconds",
          Map.of("gen_ai_request_model", "m1", "quantile", "0.5")))
          .as("time per output token p50 (s)").isBetween(
              median(tpotLow) * (1 - PRECISION), median(tpotHigh) * (1 + PRECISION));
    }
  }

  /**
   * A GenAI histogram of the m1 streams against each stream's bounds: exactly one observation per
   * stream, its sum between the bounds' sums, and each bucket {@code le=b} holding at least the
   * streams whose upper bound is at most b and at most those whose lower bound is.
   */
  static void bracketed(String metrics, String histogram, Map<String, String> labels,
      double[] low, double[] high) {
    assertThat(value(metrics, histogram + "_count", labels)).as(histogram + " count")
        .isEqualTo(STREAMS);
    assertThat(value(metrics, histogram + "_sum", labels)).as(histogram + " sum")
        .isBetween(sum(low) * (1 - 1e-9), sum(high) * (1 + 1e-9));
    List<Sample> buckets = samples(metrics, histogram + "_bucket", labels);
    assertThat(buckets).as(histogram + " buckets").hasSizeGreaterThan(5);
    for (Sample b : buckets) {
      double le = Double.parseDouble(b.labels().get("le").replace("+Inf", "Infinity"));
      assertThat(b.value()).as("%s le=%s", histogram, b.labels().get("le"))
          .isBetween((double) atMost(high, le), (double) atMost(low, le));
    }
  }

  static long atMost(double[] values, double limit) {
    return java.util.Arrays.stream(values).filter(v -> v <= limit).count();
  }

  static double sum(double[] values) {
    return java.util.Arrays.stream(values).sum();
  }

  /** The 100th of 200 in order: the sample a p50 over 200 observations reports. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[(sorted.length + 1) / 2 - 1];
  }

  @Test
  void everyMetricHasHelp() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(config(mock))) {
      run(gw, "m1", 1);
      Awaits.until(() -> gw.log.size() == 1);
      String metrics = gw.get("/metrics").body();
      for (String line : metrics.split("\n")) {
        if (line.startsWith("# TYPE ")) {
          String name = line.split(" ")[2];
          assertThat(metrics).containsPattern("# HELP " + Pattern.quote(name) + " \\S");
        }
      }
    }
  }

  @Test
  void aModelOutsideTheRoutesFoldsIntoOther() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(
            new GatewayConfig.Route("*", List.of(GatewayConfig.Target.of(
                UpstreamKind.OPENAI_CHAT, mock.baseUrl()))))))) {
      run(gw, "client-chosen-1", 1);
      run(gw, "client-chosen-2", 1);
      Awaits.until(() -> gw.log.size() == 2);
      String metrics = gw.get("/metrics").body();
      assertThat(metrics).doesNotContain("client-chosen");
      assertThat(value(metrics, "gen_ai_server_request_duration_seconds_count",
          Map.of("gen_ai_request_model", "_OTHER"))).isEqualTo(2.0);
    }
  }

  /**
   * The meters pushed over OTLP are those of /metrics: the same observations, in seconds (the
   * conventions' unit), with the same attributes. The interval is an hour: the one push is the
   * one the gateway makes as it closes.
   */
  @Test
  @Timeout(60)
  void theSameMetersArePushedOverOtlp() throws Exception {
    try (OtlpReceiver otlp = new OtlpReceiver();
        MockProvider mock = MockProvider.start(MockOptions.defaults())) {
      String scraped;
      try (GatewayHarness gw = new GatewayHarness(config(mock).withTelemetry(
          GatewayConfig.Telemetry.defaults().withMetricsOtlp(otlp.metricsUrl(),
              java.time.Duration.ofHours(1))))) {
        run(gw, "m1", 10, "tokens=5");
        Awaits.until(() -> gw.log.size() == 10);
        scraped = gw.get("/metrics").body();
      }
      Map<String, String> m1 = Map.of("gen_ai.request.model", "m1");
      HistogramDataPoint tokens = point(otlp, "gen_ai.client.token.usage",
          Map.of("gen_ai.request.model", "m1", "gen_ai.token.type", "output"));
      assertThat(tokens.getCount()).isEqualTo(10);
      assertThat(tokens.getSum()).isEqualTo(50.0);
      assertThat(metric(otlp, "gen_ai.client.token.usage").getUnit()).isEqualTo("{token}");
      assertThat(metric(otlp, "gen_ai.server.time_to_first_token").getUnit()).isEqualTo("s");
      HistogramDataPoint ttft = point(otlp, "gen_ai.server.time_to_first_token", m1);
      assertThat(ttft.getCount()).isEqualTo(10);
      assertThat(ttft.getSum()).isCloseTo(value(scraped,
          "gen_ai_server_time_to_first_token_seconds_sum", Map.of("gen_ai_request_model", "m1")),
          org.assertj.core.api.Assertions.within(1e-9));
      assertThat(ttft.getExplicitBoundsList()).containsExactlyElementsOf(
          samples(scraped, "gen_ai_server_time_to_first_token_seconds_bucket",
              Map.of("gen_ai_request_model", "m1")).stream()
              .map(s -> s.labels().get("le")).filter(le -> !le.equals("+Inf"))
              .map(Double::parseDouble).toList());
    }
  }

  /** The metric {@code name} of the last push that carries it. */
  static Metric metric(OtlpReceiver otlp, String name) {
    Metric found = null;
    for (var export : otlp.metrics) {
      for (var resource : export.getResourceMetricsList()) {
        for (var scope : resource.getScopeMetricsList()) {
          for (Metric m : scope.getMetricsList()) {
            if (m.getName().equals(name)) {
              found = m;
            }
          }
        }
      }
    }
    assertThat(found).as("a pushed %s", name).isNotNull();
    return found;
  }

  /** The one histogram point of {@code name}'s last push whose attributes hold {@code labels}. */
  static HistogramDataPoint point(OtlpReceiver otlp, String name, Map<String, String> labels) {
    List<HistogramDataPoint> points = metric(otlp, name).getHistogram().getDataPointsList()
        .stream().filter(p -> {
          Map<String, String> attributes = new java.util.HashMap<>();
          p.getAttributesList().forEach(
              a -> attributes.put(a.getKey(), a.getValue().getStringValue()));
          return attributes.entrySet().containsAll(labels.entrySet());
        }).toList();
    assertThat(points).as("one point of %s with %s", name, labels).hasSize(1);
    return points.get(0);
  }

  /** HTTP/1.1, one connection per stream: HTTP/2 would stop at the gateway's 100 streams. */
  static final java.net.http.HttpClient HTTP1 = java.net.http.HttpClient.newBuilder()
      .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

  /**
   * One stream as its client saw it, in seconds from just before it was sent: when the first
   * content delta arrived and when the stream ended.
   */
  record Timed(double firstToken, double end) {}

  /** A line of a Chat stream that carries text (the role-only first chunk carries none). */
  static final Pattern CONTENT = Pattern.compile("\"content\":\"[^\"]");

  static List<Timed> run(GatewayHarness gw, String model, int streams) throws Exception {
    return run(gw, model, streams, PACE);
  }

  static List<Timed> run(GatewayHarness gw, String model, int streams, String pace)
      throws Exception {
    List<CompletableFuture<Timed>> all = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      CompletableFuture<Timed> timed = new CompletableFuture<>();
      long[] firstToken = {-1};
      long sent = System.nanoTime();
      var lines = new java.util.concurrent.Flow.Subscriber<String>() {
        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
          if (firstToken[0] < 0 && line.startsWith("data:") && CONTENT.matcher(line).find()) {
            firstToken[0] = System.nanoTime();
          }
        }

        @Override
        public void onError(Throwable t) {
          timed.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          long end = System.nanoTime();
          if (firstToken[0] < 0) {
            timed.completeExceptionally(new AssertionError("a stream without text"));
          } else {
            timed.complete(new Timed((firstToken[0] - sent) / 1e9, (end - sent) / 1e9));
          }
        }
      };
      HTTP1.sendAsync(gw.post("/v1/chat/completions", stream(model))
              .header("x-sluice-mock", pace).build(),
          HttpResponse.BodyHandlers.fromLineSubscriber(lines))
          .thenAccept(r -> {
            if (r.statusCode() != 200) {
              timed.completeExceptionally(new AssertionError("HTTP " + r.statusCode()));
            }
          });
      all.add(timed);
    }
    List<Timed> out = new ArrayList<>();
    for (var f : all) {
      out.add(f.get(60, TimeUnit.SECONDS));
    }
    return out;
  }

  record Sample(Map<String, String> labels, double value) {}

  /** {@code name="value"}; an escaped quote inside the value stays escaped. */
  static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The samples of {@code name} that carry every label of {@code labels}. */
  static List<Sample> samples(String metrics, String name, Map<String, String> labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$")
        .matcher(metrics);
    List<Sample> out = new ArrayList<>();
    while (m.find()) {
      Map<String, String> found = new java.util.HashMap<>();
      Matcher l = LABEL.matcher(m.group(1));
      while (l.find()) {
        found.put(l.group(1), l.group(2));
      }
      if (found.entrySet().containsAll(labels.entrySet())) {
        out.add(new Sample(found, Double.parseDouble(m.group(2))));
      }
    }
    return out;
  }

  /** The value of the one sample of {@code name} that carries every label of {@code labels}. */
  static double value(String metrics, String name, Map<String, String> labels) {
    List<Sample> found = samples(metrics, name, labels);
    assertThat(found).as("one sample of %s with %s", name, labels).hasSize(1);
    return found.get(0).value();
  }
}
