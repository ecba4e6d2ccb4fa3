package io.sluice.gateway.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  @Test
  void resetsAreWrittenAsOpenAiWritesThem() {
    assertThat(RateLimitHeaders.goDuration(0)).isEqualTo("0ms");
    assertThat(RateLimitHeaders.goDuration(250)).isEqualTo("250ms");
    assertThat(RateLimitHeaders.goDuration(6_000)).isEqualTo("6s");
    assertThat(RateLimitHeaders.goDuration(1_500)).isEqualTo("1.5s");
    assertThat(RateLimitHeaders.goDuration(1_050)).isEqualTo("1.05s");
    assertThat(RateLimitHeaders.goDuration(1_005)).isEqualTo("1.005s");
    assertThat(RateLimitHeaders.goDuration(1_120)).isEqualTo("1.12s");
    assertThat(RateLimitHeaders.goDuration(360_000)).isEqualTo("6m0s");
    assertThat(RateLimitHeaders.goDuration(61_001)).isEqualTo("1m1.001s");
    assertThat(RateLimitHeaders.goDuration(3_723_000)).isEqualTo("1h2m3s");
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUp() {
    assertThat(RateLimitHeaders.retryAfter(1)).isEqualTo("1");
    assertThat(RateLimitHeaders.retryAfter(1_001)).isEqualTo("2");
    assertThat(RateLimitHeaders.retryAfter(0)).isEqualTo("1");
  }
}
