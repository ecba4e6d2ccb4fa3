package io.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StreamLimitsTest {

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    assertThat(StreamLimits.defaults()).isEqualTo(new StreamLimits(8 * 1024 * 1024, 64 * 1024));
  }

  @Test
  void theBuilderStartsFromTheDefaultsAndSetsEachLimit() {
    StreamLimits limits = StreamLimits.builder().maxErrorBodyBytes(1000).build();
    assertThat(limits).isEqualTo(new StreamLimits(StreamLimits.DEFAULT_MAX_EVENT_BYTES, 1000));
    assertThat(limits.toBuilder().maxEventBytes(16).build())
        .isEqualTo(new StreamLimits(16, 1000));
  }

  @Test
  void anEventLimitAloneKeepsTheDefaultErrorBodyLimit() {
    assertThat(new StreamLimits(16).maxErrorBodyBytes())
        .isEqualTo(StreamLimits.DEFAULT_MAX_ERROR_BODY_BYTES);
    assertThat(StreamLimits.defaults().withMaxErrorBodyBytes(7).withMaxEventBytes(16))
        .isEqualTo(new StreamLimits(16, 7));
  }

  @Test
  void aLimitThatIsNotPositiveIsRefusedNamingItsSetting() {
    assertThatThrownBy(() -> StreamLimits.builder().maxErrorBodyBytes(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("StreamLimits.maxErrorBodyBytes must be positive, was 0");
    assertThatThrownBy(() -> StreamLimits.defaults().withMaxEventBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("StreamLimits.maxEventBytes must be positive, was -1");
  }
}
