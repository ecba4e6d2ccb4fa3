package io.sluice.otel;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.sluice.client.CallListener;
import io.sluice.client.CallSignal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a sluice client's {@link CallListener} signals into OpenTelemetry: one CLIENT span per
 * call (attempts and retries as its events, an event at the first token) and the GenAI client
 * metrics {@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage} and
 * {@code gen_ai.client.operation.time_to_first_chunk}, with the semantic conventions' names,
 * units, attributes and bucket boundaries.
 *
 * <pre>{@code
 * SluiceClient client = SluiceClient.builder(settings)
 *     .listener(SluiceTelemetry.create(openTelemetry).listener())
 *     .build();
 * }</pre>
 */
public final class SluiceTelemetry {
  static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64,
      1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  static final List<Double> FIRST_CHUNK_BUCKETS = List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06,
      0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
  static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L,
      65536L, 262144L, 1048576L, 4194304L, 16777216L, 67108864L);

  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");

  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final DoubleHistogram firstChunk;
  private final LongHistogram tokens;
  /** Calls under way; each is removed at its one Ended signal. */
  private final Map<Long, Call> calls = new ConcurrentHashMap<>();

  private SluiceTelemetry(OpenTelemetry otel) {
    this.tracer = otel.getTracer("io.sluice.client");
    Meter meter = otel.getMeter("io.sluice.client");
    this.duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
        .setDescription("GenAI operation duration").setExplicitBucketBoundariesAdvice(
            DURATION_BUCKETS).build();
    this.firstChunk = meter.histogramBuilder("gen_ai.client.operation.time_to_first_chunk")
        .setUnit("s").setDescription("Time to receive the first chunk of a streamed response")
        .setExplicitBucketBoundariesAdvice(FIRST_CHUNK_BUCKETS).build();
    this.tokens = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs()
        .setUnit("{token}").setDescription("Number of input and output tokens used")
        .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
  }

  /**
   * Telemetry recorded with {@code otel}'s tracer and meter, named {@code io.sluice.client}.
   *
   * @param otel the application's OpenTelemetry (its SDK, configured as it wants)
   * @return the telemetry, whose {@link #listener()} goes to the client's builder
   */
  public static SluiceTelemetry create(OpenTelemetry otel) {
    return new SluiceTelemetry(otel);
  }

  /**
   * The listener to give {@code SluiceClient.Builder#listener}.
   *
   * @return a listener that may be given to any number of clients
   */
  public CallListener listener() {
    return this::on;
  }

  private record Call(Span span, Attributes attributes, CallSignal.UsageReported[] usage) {}

  private void on(CallSignal signal) {
    if (signal instanceof CallSignal.Started s) {
      Attributes attributes = Attributes.of(OPERATION, "chat", PROVIDER, provider(s.provider()),
          REQUEST_MODEL, s.model(), SERVER, s.server().getHost() == null ? "" : s.server().getHost());
      Span span = tracer.spanBuilder("chat " + s.model()).setSpanKind(SpanKind.CLIENT)
          .setAllAttributes(attributes).startSpan();
      calls.put(s.call(), new Call(span, attributes, new CallSignal.UsageReported[1]));
      return;
    }
    Call call = calls.get(signal.call());
    if (call == null) {
      return;
    }
    Span span = call.span();
    if (signal instanceof CallSignal.AttemptStarted a) {
      span.addEvent("sluice.attempt", Attributes.of(AttributeKey.longKey("attempt"),
          (long) a.attempt()));
    } else if (signal instanceof CallSignal.AttemptEnded a) {
      span.setAttribute("http.response.status_code", (long) a.status());
    } else if (signal instanceof CallSignal.RetryScheduled r) {
      span.addEvent("sluice.retry", Attributes.of(AttributeKey.longKey("attempt"),
          (long) r.attempt(), AttributeKey.longKey("delay_ms"), r.delay().toMillis(),
          AttributeKey.stringKey("reason"), r.reason()));
    } else if (signal instanceof CallSignal.FirstEvent f) {
      span.addEvent("gen_ai.first_token");
      firstChunk.record(f.after().toNanos() / 1e9, call.attributes());
    } else if (signal instanceof CallSignal.UsageReported u) {
      call.usage()[0] = u;
    } else if (signal instanceof CallSignal.Ended e) {
      calls.remove(e.call());
      end(call, e);
    }
  }

  private void end(Call call, CallSignal.Ended e) {
    Span span = call.span();
    var attributes = call.attributes().toBuilder();
    if (!e.responseModel().isEmpty()) {
      attributes.put(RESPONSE_MODEL, e.responseModel());
      span.setAttribute(RESPONSE_MODEL, e.responseModel());
    }
    if (e.outcome() != CallSignal.Outcome.DONE) {
      attributes.put(ERROR_TYPE, e.errorType());
      span.setAttribute(ERROR_TYPE, e.errorType());
      span.setStatus(StatusCode.ERROR);
    }
    Attributes done = attributes.build();
    duration.record(e.after().toNanos() / 1e9, done);
    CallSignal.UsageReported u = call.usage()[0];
    if (u != null) {
      span.setAttribute("gen_ai.usage.input_tokens", u.usage().inputTokens());
      span.setAttribute("gen_ai.usage.output_tokens", u.usage().outputTokens());
      tokens.record(u.usage().inputTokens(), done.toBuilder().put(TOKEN_TYPE, "input").build());
      tokens.record(u.usage().outputTokens(), done.toBuilder().put(TOKEN_TYPE, "output").build());
    }
    span.end();
  }

  /** The conventions' {@code gen_ai.provider.name} for a provider kind's id. */
  static String provider(String kind) {
    switch (kind) {
      case "anthropic":
        return "anthropic";
      case "mistral":
        return "mistral_ai";
      default:
        return "openai";
    }
  }
}
