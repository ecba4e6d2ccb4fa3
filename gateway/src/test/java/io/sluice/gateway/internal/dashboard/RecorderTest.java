package io.sluice.gateway.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the recorder keeps: bounded, and right about what it was told. */
class RecorderTest {

  static RequestRecord request(long endMillis, String key, String model, int status,
      long ttft, String error) {
    return new RequestRecord(endMillis - 10, endMillis, key, "/v1/chat/completions", model,
        "openai-chat http://127.0.0.1:9/v1", "key0", status, ttft, 10, 3, 4, 0, 0, 0, "stop",
        error, "");
  }

  @Test
  void theRingKeepsTheLastRecordsInOrder() {
    RecentRequests ring = new RecentRequests(3);
    for (int i = 0; i < 5; i++) {
      ring.add(request(1000 + i, "k", "m" + i, 200, 5, ""));
    }
    List<RequestRecord> all = ring.between(0, ring.head());
    assertThat(all).extracting(RequestRecord::model).containsExactly("m2", "m3", "m4");
    assertThat(ring.between(4, ring.head())).extracting(RequestRecord::model)
        .containsExactly("m4");
  }

  @Test
  void aPercentileIsWithinTenPercent() {
    Histogram h = new Histogram();
    for (int v = 1; v <= 1000; v++) {
      h.record(v);
    }
    assertThat(h.percentile(0.5)).isBetween(450L, 550L);
    assertThat(h.percentile(0.99)).isBetween(891L, 1089L);
    assertThat(new Histogram().percentile(0.5)).isEqualTo(-1);
  }

  @Test
  void anOpenStreamLeavesNoEntryOnceClosed() {
    OpenStreams open = new OpenStreams();
    open.opened("/v1/messages", "claude");
    open.opened("/v1/messages", "claude");
    open.closed("/v1/messages", "claude");
    assertThat(open.now()).containsExactly(java.util.Map.entry("/v1/messages claude", 1));
    open.closed("/v1/messages", "claude");
    assertThat(open.now()).isEmpty();
  }

  @Test
  void theWindowCountsRequestsTokensAndErrorsOfTheSecondsAsked() {
    Recorder rec = new Recorder();
    long t = 1_800_000_000_000L;
    rec.ended(request(t, "a", "m", 200, 100, ""));
    rec.ended(request(t + 10, "a", "m", 200, 300, ""));
    rec.ended(request(t + 1000, "b", "m", 502, -1, "http_502"));
    TrafficWindow.Summary s = rec.traffic.summary(t / 1000 + 2, 60);
    assertThat(s.requests()).isEqualTo(3);
    assertThat(s.errors()).isEqualTo(1);
    assertThat(s.tokensOut()).isEqualTo(12);
    assertThat(s.errorsByType()).containsExactly(java.util.Map.entry("http_502", 1));
    assertThat(s.ttftP99()).isBetween(270L, 330L); // the failed request has no first token
    assertThat(rec.traffic.summary(t / 1000 + 1, 1).requests()).isEqualTo(2); // t's second only
    assertThat(rec.byKey.row("a", t + 1000).minuteRequests()).isEqualTo(2);
    assertThat(rec.byKey.row("b", t + 1000).lastError()).isEqualTo("http_502");
  }

  @Test
  void aSecondFifteenMinutesOldIsForgotten() {
    Recorder rec = new Recorder();
    long t = 1_800_000_000_000L;
    rec.ended(request(t, "a", "m", 200, 100, ""));
    rec.ended(request(t + TrafficWindow.SECONDS * 1000L, "a", "m", 200, 100, ""));
    long now = t / 1000 + TrafficWindow.SECONDS + 1;
    assertThat(rec.traffic.summary(now, TrafficWindow.SECONDS).requests()).isEqualTo(1);
    assertThat(rec.traffic.points(now - TrafficWindow.SECONDS, now)).hasSize(TrafficWindow.SECONDS)
        .extracting(TrafficWindow.Point::requests).containsOnly(0, 1);
  }
}
