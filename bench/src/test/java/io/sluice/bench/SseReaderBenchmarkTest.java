package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One pass of each benchmark, outside JMH: the setup works, and the three parsers agree on how many
 * events the same bytes hold, so the figures compare like with like.
 */
class SseReaderBenchmarkTest {

  @Test
  void allThreeParsersReadTheSameEventsFromTheCorpus() throws Exception {
    assumeTrue(SseCorpus.locateShared().isPresent(),
        "skipped: ../shared/corpus is absent (it lies beside the project in CI only;"
            + " -Dsluice.shared=<dir> points elsewhere)");
    SseReaderBenchmark benchmark = new SseReaderBenchmark();
    benchmark.setup();
    Blackhole blackhole = Blackholes.discarding();

    SseReaderBenchmark.Rates rates = new SseReaderBenchmark.Rates();
    long sluice = benchmark.sluice(blackhole, rates);
    long okhttp = benchmark.okhttpSse(blackhole, rates);
    long launchDarkly = benchmark.launchDarkly(blackhole, rates);
    long sluiceBytes = benchmark.sluiceBytes(blackhole, rates);

    assertThat(sluice).isGreaterThan(1000);
    assertThat(okhttp).as("okhttp-sse events").isEqualTo(sluice);
    assertThat(launchDarkly).as("LaunchDarkly events").isEqualTo(sluice);
    assertThat(sluiceBytes).as("sluice, data as bytes").isEqualTo(sluice);
    assertThat(rates.events).isEqualTo(4 * sluice);
  }
}
