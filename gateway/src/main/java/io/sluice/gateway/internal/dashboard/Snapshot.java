package io.sluice.gateway.internal.dashboard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * One update of the dashboard as JSON: the state now (open streams, rates, percentiles, errors,
 * upstreams, keys), chart points, and finished requests. Written once per second for all viewers.
 */
final class Snapshot {
  private static final JsonFactory JSON = new JsonFactory();
  /** Rates (requests and tokens per second) are averaged over this many seconds. */
  static final int RATE_SECONDS = 10;
  static final int MINUTE = 60;

  private Snapshot() {}

  /**
   * @param points chart points to append (all fifteen minutes in a full update)
   * @param requests finished requests to append (the whole ring in a full update)
   */
  static String write(Recorder rec, GatewayView view, boolean keepsContent, long nowMillis,
      int viewers, boolean full, List<TrafficWindow.Point> points, List<RequestRecord> requests) {
    StringWriter out = new StringWriter(4096 + requests.size() * 256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      long nowSecond = nowMillis / 1000;
      TrafficWindow.Summary rate = rec.traffic.summary(nowSecond, RATE_SECONDS);
      TrafficWindow.Summary minute = rec.traffic.summary(nowSecond, MINUTE);
      TrafficWindow.Summary quarter = rec.traffic.summary(nowSecond, TrafficWindow.SECONDS);
      Map<String, Integer> open = rec.open.now();
      g.writeStartObject();
      g.writeBooleanField("full", full);
      g.writeNumberField("now", nowMillis);
      g.writeNumberField("started", rec.startMillis);
      g.writeNumberField("viewers", viewers);
      g.writeBooleanField("content", keepsContent);
      g.writeObjectFieldStart("stats");
      g.writeNumberField("streams", open.values().stream().mapToInt(Integer::intValue).sum());
      g.writeNumberField("rps", (double) rate.requests() / RATE_SECONDS);
      g.writeNumberField("tps", (double) rate.tokensOut() / RATE_SECONDS);
      g.writeNumberField("ttftP50", minute.ttftP50());
      g.writeNumberField("ttftP99", minute.ttftP99());
      g.writeNumberField("addedP50Us", minute.addedP50Micros());
      g.writeNumberField("addedP99Us", minute.addedP99Micros());
      g.writeNumberField("requests1m", minute.requests());
      g.writeNumberField("errors1m", minute.errors());
      g.writeNumberField("tokensIn1m", minute.tokensIn());
      g.writeNumberField("tokensOut1m", minute.tokensOut());
      g.writeEndObject();
      g.writeArrayFieldStart("open");
      for (Map.Entry<String, Integer> e : open.entrySet()) {
        int space = e.getKey().indexOf(' ');
        g.writeStartObject();
        g.writeStringField("door", e.getKey().substring(0, space));
        g.writeStringField("model", e.getKey().substring(space + 1));
        g.writeNumberField("count", e.getValue());
        g.writeEndObject();
      }
      g.writeEndArray();
      errors(g, "errors1m", minute.errorsByType());
      errors(g, "errors15m", quarter.errorsByType());
      upstreams(g, rec, view, nowMillis);
      keys(g, rec, view, nowMillis);
      g.writeArrayFieldStart("points");
      for (TrafficWindow.Point p : points) {
        g.writeStartArray();
        g.writeNumber(p.second());
        g.writeNumber(p.requests());
        g.writeNumber(p.errors());
        g.writeNumber(p.tokensIn());
        g.writeNumber(p.tokensOut());
        g.writeNumber(p.ttftP50());
        g.writeNumber(p.ttftP99());
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("requests");
      for (RequestRecord r : requests) {
        request(g, r, keepsContent);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void errors(JsonGenerator g, String field, Map<String, Integer> byType)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, Integer> e : byType.entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private static void upstreams(JsonGenerator g, Recorder rec, GatewayView view, long now)
      throws IOException {
    g.writeArrayFieldStart("upstreams");
    for (GatewayView.Upstream u : view.upstreams()) {
      g.writeStartObject();
      g.writeStringField("route", u.route());
      g.writeStringField("target", u.target());
      g.writeNumberField("queued", u.queued());
      g.writeNumberField("queueSize", u.queueSize());
      g.writeArrayFieldStart("keys");
      for (GatewayView.UpstreamKey k : u.keys()) {
        Tally.Row t = rec.byUpstreamKey.row(Recorder.upstreamName(u.target(), k.label()), now);
        g.writeStartObject();
        g.writeStringField("label", k.label());
        g.writeStringField("hash", k.shortHash());
        g.writeNumberField("inFlight", k.inFlight());
        g.writeNumberField("concurrency", k.concurrency());
        g.writeNumberField("coolingUntil", k.coolingUntilMillis());
        g.writeNumberField("requests1m", t.minuteRequests());
        g.writeNumberField("errors1m", t.minuteErrors());
        g.writeNumberField("lastErrorAt", t.lastErrorMillis());
        g.writeStringField("lastError", t.lastError());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void keys(JsonGenerator g, Recorder rec, GatewayView view, long now)
      throws IOException {
    g.writeArrayFieldStart("keys");
    List<GatewayView.GatewayKey> keys = view.keys();
    for (GatewayView.GatewayKey k : keys) {
      key(g, rec.byKey.row(k.id(), now), k.inFlight(), k.concurrency());
    }
    if (keys.isEmpty() || rec.byKey.names().contains("")) {
      key(g, rec.byKey.row("", now), -1, 0); // an open gateway's callers, or refused requests
    }
    g.writeEndArray();
  }

  private static void key(JsonGenerator g, Tally.Row t, int inFlight, int concurrency)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", t.name());
    g.writeNumberField("inFlight", inFlight);
    g.writeNumberField("concurrency", concurrency);
    g.writeNumberField("requests1m", t.minuteRequests());
    g.writeNumberField("tokensIn1m", t.minuteTokensIn());
    g.writeNumberField("tokensOut1m", t.minuteTokensOut());
    g.writeNumberField("errors1m", t.minuteErrors());
    g.writeNumberField("requests", t.totalRequests());
    g.writeNumberField("tokensIn", t.totalTokensIn());
    g.writeNumberField("tokensOut", t.totalTokensOut());
    g.writeNumberField("errors", t.totalErrors());
    g.writeEndObject();
  }

  private static void request(JsonGenerator g, RequestRecord r, boolean keepsContent)
      throws IOException {
    g.writeStartObject();
    g.writeNumberField("time", r.timeMillis());
    g.writeNumberField("end", r.endMillis());
    g.writeStringField("key", r.keyId());
    g.writeStringField("door", r.door());
    g.writeStringField("model", r.model());
    g.writeStringField("upstream", r.upstream());
    g.writeStringField("upstreamKey", r.upstreamKey());
    g.writeNumberField("status", r.status());
    g.writeNumberField("ttft", r.firstTokenMillis());
    g.writeNumberField("duration", r.durationMillis());
    g.writeNumberField("tokensIn", r.tokensIn());
    g.writeNumberField("tokensOut", r.tokensOut());
    g.writeNumberField("cacheRead", r.cacheReadTokens());
    g.writeNumberField("cacheWrite", r.cacheWriteTokens());
    g.writeNumberField("reasoning", r.reasoningTokens());
    g.writeStringField("finish", r.finishReason());
    g.writeStringField("error", r.errorClass());
    if (keepsContent) {
      g.writeStringField("output", r.outputText());
    }
    g.writeEndObject();
  }
}
