package io.sluice.gateway.internal.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.sluice.gateway.GatewayConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Spans of the gateway, when {@code telemetry.traces.enabled} is true: the OpenTelemetry SDK set
 * up by its autoconfiguration, so that the standard {@code OTEL_*} variables apply, with
 * sluice.yaml's values as defaults. Spans leave over OTLP/HTTP on the SDK's batch thread through
 * the JDK's HttpClient. W3C trace context is read from the client and written upstream.
 */
public final class Tracing implements AutoCloseable {
  /** Tracing off: every request gets {@link RequestSpan#NONE}. */
  public static final Tracing OFF = new Tracing(null, null, false);

  private final OpenTelemetry otel;
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  final boolean captureContent;

  Tracing(OpenTelemetry otel, TextMapPropagator propagator, boolean captureContent) {
    this.otel = otel;
    this.tracer = otel == null ? null : otel.getTracer("io.sluice.gateway");
    this.propagator = propagator;
    this.captureContent = captureContent;
  }

  /** Tracing as {@code telemetry.traces} says: {@link #OFF} unless enabled. */
  public static Tracing of(GatewayConfig.Telemetry t) {
    if (!t.traces()) {
      return OFF;
    }
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", t.serviceName());
    defaults.put("otel.traces.exporter", "otlp");
    defaults.put("otel.metrics.exporter", "none"); // metrics go through GatewayMetrics
    defaults.put("otel.logs.exporter", "none");
    defaults.put("otel.exporter.otlp.traces.protocol", "http/protobuf");
    if (!t.tracesEndpoint().isEmpty()) {
      defaults.put("otel.exporter.otlp.traces.endpoint", t.tracesEndpoint());
    }
    defaults.put("otel.traces.sampler", "parentbased_traceidratio");
    defaults.put("otel.traces.sampler.arg", Double.toString(t.traceSampleRatio()));
    defaults.put("otel.propagators", "tracecontext");
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        .disableShutdownHook() // the gateway's close shuts it down, after the last request
        .build()
        .getOpenTelemetrySdk();
    return new Tracing(sdk, sdk.getPropagators().getTextMapPropagator(), t.captureContent());
  }

  /** Tracing through a given SDK (tests hand one with an in-memory exporter). */
  public static Tracing of(OpenTelemetry otel, boolean captureContent) {
    return new Tracing(otel, otel.getPropagators().getTextMapPropagator(), captureContent);
  }

  /** Whether prompts and outputs go into spans ({@code telemetry.traces.capture-content}). */
  public boolean captureContent() {
    return captureContent;
  }

  public boolean enabled() {
    return otel != null;
  }

  /**
   * A request's SERVER span, child of the client's {@code traceparent} if it sent one.
   *
   * @param header the client's request headers by name
   */
  public RequestSpan request(Function<String, String> header, String operation, String model,
      String door) {
    if (otel == null) {
      return RequestSpan.NONE;
    }
    Context parent = propagator.extract(Context.root(), header, GETTER);
    Span span = tracer.spanBuilder(operation + " " + model).setSpanKind(SpanKind.SERVER)
        .setParent(parent)
        .setAttribute("gen_ai.operation.name", operation)
        .setAttribute("gen_ai.request.model", model)
        .setAttribute("http.request.method", "POST")
        .setAttribute("http.route", door)
        .startSpan();
    return new OtelRequestSpan(this, span);
  }

  Tracer tracer() {
    return tracer;
  }

  TextMapPropagator propagator() {
    return propagator;
  }

  /** Exports what is left and stops the SDK's threads. */
  @Override
  public void close() {
    if (otel instanceof OpenTelemetrySdk) {
      ((OpenTelemetrySdk) otel).shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Reads the client's headers; only {@code traceparent} and {@code tracestate} are asked for. */
  private static final TextMapGetter<Function<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Function<String, String> carrier) {
      return java.util.List.of("traceparent", "tracestate");
    }

    @Override
    public String get(Function<String, String> carrier, String key) {
      return carrier == null ? null : carrier.apply(key);
    }
  };
}
