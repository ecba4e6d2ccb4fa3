package io.sluice.mock;

import static io.sluice.mock.MockHttp.assumeCodec;
import static io.sluice.mock.MockHttp.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.TextDelta;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Time to first token and tokens per second, measured from timestamps taken as events arrive.
 * Lower bounds are strict (a timer never fires early); upper bounds are loose for busy machines.
 */
class MockPacingTest {
  private static MockProvider mock;

  @BeforeAll
  static void start() {
    mock = MockProvider.start(MockOptions.defaults());
  }

  @AfterAll
  static void stop() {
    mock.close();
  }

  private static List<MockHttp.Timed> deltas(WireFormat format, String behaviour) {
    assumeCodec(format);
    return MockHttp.timed(mock, format, body(format, true, false), behaviour).stream()
        .filter(t -> t.event() instanceof TextDelta).toList();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void firstTokenWaitsForTheTimeToFirstToken(WireFormat format) {
    List<MockHttp.Timed> deltas = deltas(format, "ttft=300ms, tokens=3");

    assertThat(deltas.get(0).millis()).isBetween(300.0, 3000.0);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void tokensFollowAtTheAskedRate(WireFormat format) {
    List<MockHttp.Timed> deltas = deltas(format, "tps=50, tokens=11");

    // The mock keeps one schedule from the request's arrival: token k is due k intervals of
    // 20 ms in (a millisecond early at most, its timer's rounding). A token can reach the client
    // late on a loaded machine, and the next ones then catch up on the schedule, so the spread
    // between two tokens is no measure; what must hold is that no token comes before its time.
    for (int k = 0; k < deltas.size(); k++) {
      assertThat(deltas.get(k).millis()).as("token %d", k).isGreaterThanOrEqualTo(k * 20.0 - 1);
    }
    assertThat(deltas.get(10).millis()).isLessThan(3000.0);
  }
}
