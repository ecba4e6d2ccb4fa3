package io.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
  private final RetryPolicy policy = RetryPolicy.defaults();

  private static Function<String, Optional<String>> headers(Map<String, String> map) {
    return name -> Optional.ofNullable(map.get(name));
  }

  private static final Function<String, Optional<String>> NO_HEADERS = headers(Map.of());

  @Test
  void retriesExactlyTheDocumentedStatuses() {
    for (int status : new int[] {408, 409, 429, 500, 502, 503, 504, 529}) {
      assertThat(policy.retryable(status, NO_HEADERS)).as("status %d", status).isTrue();
    }
    for (int status : new int[] {400, 401, 403, 404, 413, 422, 501, 505}) {
      assertThat(policy.retryable(status, NO_HEADERS)).as("status %d", status).isFalse();
    }
  }

  @Test
  void shouldRetryHeaderOverridesBothWays() {
    assertThat(policy.retryable(400, headers(Map.of("x-should-retry", "true")))).isTrue();
    assertThat(policy.retryable(503, headers(Map.of("x-should-retry", "false")))).isFalse();
  }

  @Test
  void retryAfterMsComesFirst() {
    var h = headers(Map.of("retry-after-ms", "250.5", "retry-after", "9"));
    assertThat(policy.delay(0, h, CLOCK, () -> 0)).isEqualTo(Duration.ofNanos(250_500_000));
  }

  @Test
  void retryAfterInSeconds() {
    assertThat(policy.delay(0, headers(Map.of("retry-after", "3")), CLOCK, () -> 0))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void retryAfterAsAnHttpDate() {
    var h = headers(Map.of("retry-after", "Sat, 21 Nov 2026 12:00:05 GMT"));
    assertThat(policy.delay(0, h, CLOCK, () -> 0)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void retryAfterDateInThePastMeansNow() {
    var h = headers(Map.of("retry-after", "Sat, 21 Nov 2026 11:00:00 GMT"));
    assertThat(policy.delay(0, h, CLOCK, () -> 0)).isEqualTo(Duration.ZERO);
  }

  @Test
  void retryAfterIsCapped() {
    var h = headers(Map.of("retry-after", "3600"));
    assertThat(policy.delay(0, h, CLOCK, () -> 0)).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.withMaxRetryAfter(Duration.ofSeconds(5)).delay(0, h, CLOCK, () -> 0))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void backoffDoublesFromHalfASecondToEightSeconds() {
    assertThat(policy.delay(0, NO_HEADERS, CLOCK, () -> 0)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.delay(1, NO_HEADERS, CLOCK, () -> 0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.delay(4, NO_HEADERS, CLOCK, () -> 0)).isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.delay(10, NO_HEADERS, CLOCK, () -> 0)).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void jitterTakesAtMostAQuarter() {
    assertThat(policy.delay(0, NO_HEADERS, CLOCK, () -> 0.999999))
        .isGreaterThan(Duration.ofMillis(375)).isLessThanOrEqualTo(Duration.ofMillis(500));
  }

  @Test
  void unreadableHeadersFallBackToBackoff() {
    var h = headers(Map.of("retry-after-ms", "soon", "retry-after", "later"));
    assertThat(policy.delay(1, h, CLOCK, () -> 0)).isEqualTo(Duration.ofSeconds(1));
  }
}
