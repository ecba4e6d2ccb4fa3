package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.FinalMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One pass of {@link DecodeBenchmark} per format, outside JMH: the setup works, and sluice and
 * the SDK agree on every response body measured, so the figures compare like with like.
 */
class DecodeBenchmarkTest {

  @ParameterizedTest
  @EnumSource(DecodeCorpus.Format.class)
  void sluiceAndTheSdkAgreeOnEveryBodyMeasured(DecodeCorpus.Format format) throws Throwable {
    assumeTrue(SseCorpus.locateShared().isPresent(),
        "skipped: ../shared/corpus is absent (it lies beside the project in CI only;"
            + " -Dsluice.shared=<dir> points elsewhere)");
    DecodeBenchmark benchmark = new DecodeBenchmark();
    benchmark.setup(format);
    assertThat(benchmark.bodies().length).as("bodies measured").isGreaterThanOrEqualTo(10);

    for (byte[] body : benchmark.bodies()) {
      List<StreamEvent> events = new ArrayList<>();
      FinalMessage sluice = benchmark.sluiceDecoder().decode(body, events);
      Object sdk = benchmark.sdkDecoder().decode(body);
      assertThat(sluice.failed()).isFalse();
      assertThat(benchmark.sdkDecoder().text(sdk)).as("final text")
          .isEqualTo(sluice.text());
      // The SDK hands on every JSON payload: sluice's SSE events less [DONE] and pings.
      assertThat(benchmark.sdkDecoder().events(body)).as("events")
          .isEqualTo(payloads(benchmark, body));
    }

    Blackhole blackhole = Blackholes.discarding();
    SseReaderBenchmark.Rates rates = new SseReaderBenchmark.Rates();
    int sluiceEvents = benchmark.sluice(blackhole, rates);
    int sdkEvents = benchmark.sdk(blackhole, rates);
    assertThat(sdkEvents).isEqualTo(sluiceEvents).isGreaterThan(100);
  }

  private static int payloads(DecodeBenchmark benchmark, byte[] body) {
    int[] count = new int[1];
    SluiceDecoder.feed(io.sluice.core.sse.SseReader.create(event -> {
      if (!event.data().startsWith("[DONE]") && !event.name().equals("ping")) {
        count[0]++;
      }
    }), body);
    return count[0];
  }
}
