package io.sluice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {

  @Test
  void theRampSpansOneStreamSoThatStartsStayEven() {
    LoadOptions o = LoadOptions.parse("--tps", "20");

    assertThat(o.rampFor(1000, 20)).isEqualTo(1.0); // 20 tokens at 20 a second
    assertThat(o.rampFor(1000, 2000)).isEqualTo(10.0); // 100 s, bounded
    assertThat(LoadOptions.parse("--tps", "0").rampFor(1000, 20)).isEqualTo(0.5); // unpaced
    assertThat(LoadOptions.parse("--ramp", "2").rampFor(1000, 20)).isEqualTo(2.0);
  }

  @Test
  void gatewayCpusAreACpuList() {
    assertThat(LoadOptions.parse("--gateway-cpus", "1").gatewayCpus()).isEqualTo("1");
    assertThat(LoadOptions.parse("--gateway-cpus", "2-3,6").gatewayCpus()).isEqualTo("2-3,6");
    assertThat(LoadOptions.defaults().gatewayCpus()).isEmpty();
    assertThatThrownBy(() -> LoadOptions.parse("--gateway-cpus", "1; rm -rf /"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void coldLeavesTheGatewaysWithoutAJitWarmUp() {
    assertThat(LoadOptions.defaults().cold()).isFalse();
    LoadOptions cold = LoadOptions.parse("--cold", "--streams", "10");
    assertThat(cold.cold()).isTrue();
    assertThat(cold.streams()).containsExactly(10);
    assertThat(LoadOptions.parse("--jit-warmup", "0").jitWarmupSeconds()).isZero();
  }

  @Test
  void theJitSettlesForAMinuteAtMostUnlessToldOtherwise() {
    assertThat(LoadOptions.defaults().jitSettleSeconds()).isEqualTo(60.0);
    assertThat(LoadOptions.parse("--jit-settle", "0").jitSettleSeconds()).isZero();
  }

  @Test
  void aCpuListIsCounted() {
    assertThat(Machine.allowedCount("0")).isEqualTo(1);
    assertThat(Machine.allowedCount("0-3,6")).isEqualTo(5);
  }

  @Test
  void aPinnedChildStartsUnderTaskset() {
    assertThat(ChildProcess.pinned("1")).containsExactly("taskset", "-c", "1");
    assertThat(ChildProcess.pinned("")).isEmpty();
  }
}
