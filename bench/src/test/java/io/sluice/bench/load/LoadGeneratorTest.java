package io.sluice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.bench.load.LoadGenerator.Endpoint;
import io.sluice.bench.load.LoadGenerator.Phase;
import io.sluice.bench.load.LoadGenerator.Result;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The clients' window: stretched until enough streams ended, and failing fast when none can. */
class LoadGeneratorTest {
  private static final LoadGenerator.Probe NO_PROBE = new LoadGenerator.Probe() {
    @Override
    public void windowStarts() {}

    @Override
    public void windowEnds(int openStreams) {}
  };
  private static final String BODY = "{\"model\":\"sluice-bench\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private MockProvider mock;
  private LoadGenerator clients;

  @BeforeEach
  void start() {
    mock = MockProvider.start(MockOptions.defaults());
    clients = new LoadGenerator(1);
  }

  @AfterEach
  void stop() {
    clients.close();
    mock.close();
  }

  private Endpoint endpoint() {
    return new Endpoint("direct", "127.0.0.1", mock.port(), "/v1/chat/completions", Map.of());
  }

  @Test
  void countsStreamsThatEndWhileTheWindowIsStretched() {
    // Every stream takes longer than the 0.1 s window: only the stretch can see them end.
    Phase phase = new Phase(2, BODY, "ttft=1200ms, tps=200, tokens=3", 0, 0,
        TimeUnit.MILLISECONDS.toNanos(100), 2, 5_000);

    Result result = clients.run(endpoint(), phase, NO_PROBE);

    assertThat(result.completed()).isGreaterThanOrEqualTo(2);
    assertThat(result.windowSeconds()).isLessThan(LoadGenerator.stallNanos(phase) / 1e9 + 30);
  }

  @Test
  void failsFastNamingWhatTheClientsSawWhenNoStreamProgresses() {
    // Answered, then silent.
    Phase phase = new Phase(2, BODY, "fault=stall-after:0", 0, 0,
        TimeUnit.MILLISECONDS.toNanos(100), 2, 300);
    long started = System.nanoTime();

    assertThatThrownBy(() -> clients.run(endpoint(), phase, NO_PROBE))
        .isInstanceOf(LoadGenerator.Stalled.class)
        .hasMessageContaining("direct: 0 of the 2 streams")
        .hasMessageContaining("no stream made progress")
        .hasMessageContaining("2 answered, 0 text events");
    // The 60 s bound of a stretch is not reached: a stall ends the run in seconds.
    assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(30));
  }
}
