package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One pass of {@link TranslateBenchmark} per direction, outside JMH: the setup works, and sluice
 * and the SDK pair write, for every response body measured, a stream that a client reads as the
 * same answer, so the figures compare like with like.
 */
class TranslateBenchmarkTest {

  @ParameterizedTest
  @EnumSource(TranslateBenchmark.Direction.class)
  void sluiceAndTheSdksWriteTheSameAnswerForEveryBodyMeasured(
      TranslateBenchmark.Direction direction) throws Throwable {
    assumeTrue(SseCorpus.locateShared().isPresent(),
        "skipped: ../shared/corpus is absent (it lies beside the project in CI only;"
            + " -Dsluice.shared=<dir> points elsewhere)");
    TranslateBenchmark benchmark = new TranslateBenchmark();
    benchmark.setup(direction);
    assertThat(benchmark.bodies().length).as("bodies measured").isGreaterThanOrEqualTo(10);

    int withText = 0;
    int withTools = 0;
    for (byte[] body : benchmark.bodies()) {
      byte[] sluiceOut = output(benchmark.sluiceTranslator(), body);
      byte[] sdkOut = output(benchmark.sdkTranslator(), body);
      if (direction == TranslateBenchmark.Direction.ANTHROPIC_TO_CHAT) {
        ChatStreamSummary sluice = ChatStreamSummary.read(sluiceOut);
        assertThat(sluice.done()).as("sluice's stream ends with [DONE]").isTrue();
        assertThat(ChatStreamSummary.read(sdkOut)).as("what a Chat client reads")
            .isEqualTo(sluice);
        withText += sluice.text().isEmpty() ? 0 : 1;
        withTools += sluice.toolArguments().isEmpty() ? 0 : 1;
      } else {
        AnthropicStreamSummary sluice = AnthropicStreamSummary.read(sluiceOut);
        assertThat(sluice.stopped()).as("sluice's stream ends with message_stop").isTrue();
        assertThat(AnthropicStreamSummary.read(sdkOut)).as("what an Anthropic client reads")
            .isEqualTo(sluice);
        withText += sluice.text().isEmpty() ? 0 : 1;
        withTools += sluice.toolInputs().isEmpty() ? 0 : 1;
      }
    }
    // The comparison covers text and tool calls, not just empty streams.
    assertThat(withText).isGreaterThan(benchmark.bodies().length / 2);
    assertThat(withTools).isPositive();

    Blackhole blackhole = Blackholes.discarding();
    SseReaderBenchmark.Rates rates = new SseReaderBenchmark.Rates();
    int sluiceEvents = benchmark.sluice(blackhole, rates);
    int sdkEvents = benchmark.sdk(blackhole, rates);
    assertThat(sdkEvents).isEqualTo(sluiceEvents).isGreaterThan(100);
  }

  private static byte[] output(ResponseTranslator translator, byte[] body) throws Throwable {
    ChatStreamSummary.Capture capture = new ChatStreamSummary.Capture();
    translator.translate(body, capture);
    return capture.out.toByteArray();
  }
}
