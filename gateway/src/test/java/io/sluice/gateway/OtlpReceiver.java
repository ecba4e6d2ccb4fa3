package io.sluice.gateway;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An OTLP/HTTP receiver on loopback: keeps every span sent to {@code /v1/traces} and every
 * metrics export sent to {@code /v1/metrics}.
 */
final class OtlpReceiver implements AutoCloseable {
  final List<Span> spans = new CopyOnWriteArrayList<>();
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  final int port;

  OtlpReceiver() throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      try {
        if (req.path().equals("/v1/metrics")) {
          metrics.add(ExportMetricsServiceRequest.parseFrom(body.getBytes()));
          req.response().putHeader("Content-Type", "application/x-protobuf").end(Buffer.buffer(
              ExportMetricsServiceResponse.getDefaultInstance().toByteArray()));
          return;
        }
        ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.getBytes());
        for (ResourceSpans r : export.getResourceSpansList()) {
          for (ScopeSpans s : r.getScopeSpansList()) {
            spans.addAll(s.getSpansList());
          }
        }
        req.response().putHeader("Content-Type", "application/x-protobuf")
            .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        req.response().setStatusCode(400).end(e.getMessage());
      }
    }));
    port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).actualPort();
  }

  String tracesUrl() {
    return "http://127.0.0.1:" + port + "/v1/traces";
  }

  String metricsUrl() {
    return "http://127.0.0.1:" + port + "/v1/metrics";
  }

  /** The string value of attribute {@code key} of {@code span}, or empty. */
  static String attribute(Span span, String key) {
    return span.getAttributesList().stream().filter(a -> a.getKey().equals(key))
        .map(a -> a.getValue().hasIntValue() ? Long.toString(a.getValue().getIntValue())
            : a.getValue().getStringValue())
        .findFirst().orElse("");
  }

  @Override
  public void close() {
    vertx.close();
  }
}
