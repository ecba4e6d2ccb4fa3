package io.sluice.mock.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.mock.internal.MockBehaviour.Fault;
import io.sluice.mock.internal.MockBehaviour.FaultKind;
import io.sluice.mock.internal.MockBehaviour.UsageMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MockBehaviourTest {

  @Test
  void emptyHeaderMeansTheDefaults() {
    assertThat(MockBehaviour.parse("")).isEqualTo(MockBehaviour.DEFAULTS);
    assertThat(MockBehaviour.parse("  ")).isEqualTo(MockBehaviour.DEFAULTS);
  }

  @Test
  void defaultsAreFastTwentyWordsWithUsageAsTheProviderDoes() {
    assertThat(MockBehaviour.DEFAULTS).isEqualTo(
        new MockBehaviour(0, 0, 20, 0, 0, UsageMode.AUTO, Fault.NONE, ""));
  }

  @Test
  void parsesEveryKey() {
    MockBehaviour b = MockBehaviour.parse(
        "ttft=200ms, tps=50, tokens=100, tools=2, reasoning=on, usage=off, id=abc,"
            + " fault=status:429;retry-after=2;times=3");

    assertThat(b).isEqualTo(new MockBehaviour(200, 50, 100, 2, 16, UsageMode.OFF,
        new Fault(FaultKind.STATUS, 429, 2, 3), "abc"));
  }

  @ParameterizedTest
  @CsvSource({"250, 250", "250ms, 250", "2s, 2000", "1.5s, 1500", "0, 0", "0.5ms, 1"})
  void readsDurationsInMillisecondsOrSeconds(String value, long millis) {
    assertThat(MockBehaviour.parse("ttft=" + value).ttftMillis()).isEqualTo(millis);
  }

  @ParameterizedTest
  @CsvSource({"on, 16", "off, 0", "7, 7", "ON, 16"})
  void readsReasoningAsOnOffOrACount(String value, int tokens) {
    assertThat(MockBehaviour.parse("reasoning=" + value).reasoningTokens()).isEqualTo(tokens);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "fault=drop-after:10 | DROP | 10",
      "fault=stall-after:5 | STALL | 5",
      "fault=malformed-after:3 | MALFORMED | 3",
      "fault=error-after:4 | ERROR | 4",
      "fault=status:529 | STATUS | 529"})
  void readsEachFaultKind(String header, FaultKind kind, int value) {
    Fault fault = MockBehaviour.parse(header).fault();

    assertThat(fault.kind()).isEqualTo(kind);
    assertThat(fault.value()).isEqualTo(value);
  }

  @Test
  void keysAndSpacingAreForgiving() {
    assertThat(MockBehaviour.parse(" TOKENS = 5 ,TPS=10 ").tokens()).isEqualTo(5);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "bogus=1", "tokens", "=5", "tokens=5,,tps=1", "tokens=5, tokens=6", "tokens=-1",
      "tokens=abc", "tokens=1.5", "tokens=2000000000", "tps=-1", "tps=NaN", "tps=Infinity",
      "ttft=5m", "ttft=-1", "ttft=601s", "tools=65", "reasoning=maybe", "usage=sometimes",
      "fault=explode", "fault=explode:1", "fault=status:200", "fault=status:600",
      "fault=drop-after:x", "fault=drop-after:2;retry-after=1", "fault=status:429;wait=1",
      "fault=status:429;retry-after=1;retry-after=2", "fault=status:429;times=0",
      "fault=status:429;retry-after"})
  void rejectsWhatItDoesNotUnderstand(String header) {
    assertThatThrownBy(() -> MockBehaviour.parse(header))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x-sluice-mock");
  }

  @Test
  void unknownKeyMessageNamesTheKeyAndTheKnownOnes() {
    assertThatThrownBy(() -> MockBehaviour.parse("tokns=5"))
        .hasMessage("x-sluice-mock has an unknown key \"tokns\"; known keys: ttft, tps, tokens,"
            + " tools, reasoning, usage, fault, id");
  }

  @Test
  void outOfRangeMessageNamesTheValueAndTheRange() {
    assertThatThrownBy(() -> MockBehaviour.parse("tools=100"))
        .hasMessage("x-sluice-mock tools=100 is out of range; allowed: 0 to 64");
  }

  @Test
  void rejectsAnOverlongHeader() {
    assertThatThrownBy(() -> MockBehaviour.parse("id=" + "x".repeat(2000)))
        .hasMessageContaining("at most 1024");
  }
}
