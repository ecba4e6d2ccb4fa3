package io.sluice.gateway.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the start-up warm-up counts the JIT compilers as settled. */
class JitSettleTest {
  private final AtomicLong compiled = new AtomicLong(10_000);
  private final JitSettle settle = new JitSettle(compiled::get);

  @Test
  void notBeforeAWholeWindowHasPassed() {
    for (int i = 0; i < JitSettle.WINDOW; i++) {
      assertThat(settle.sample()).as("sample %d", i + 1).isFalse();
    }
    assertThat(settle.sample()).isTrue();
  }

  @Test
  void compilingAtTheBoundCountsAsSettledAndAMillisecondMoreDoesNot() {
    settle.sample();
    for (int i = 1; i < JitSettle.WINDOW; i++) {
      settle.sample();
    }
    compiled.addAndGet(JitSettle.SETTLED_MILLIS);
    assertThat(settle.sample()).isTrue();

    compiled.addAndGet(1); // the window now holds SETTLED_MILLIS + 1
    assertThat(settle.sample()).isFalse();
  }

  @Test
  void aBurstOfCompilingKeepsItUnsettledUntilTheBurstLeavesTheWindow() {
    for (int i = 0; i <= JitSettle.WINDOW; i++) {
      settle.sample();
    }
    compiled.addAndGet(500); // one C2 compilation of a large method, say
    for (int i = 0; i < JitSettle.WINDOW; i++) {
      assertThat(settle.sample()).as("sample %d after the burst", i + 1).isFalse();
    }
    assertThat(settle.sample()).isTrue();
  }

  @Test
  void thisJvmReportsItsCompilingTime() {
    // HotSpot, which the gateway runs on, does: a null here would silently turn the end on
    // settling off and every warm-up would run its whole budget.
    JitSettle jvm = JitSettle.ofThisJvm();
    assertThat(jvm).isNotNull();
    assertThat(jvm.sample()).isFalse();
  }
}
