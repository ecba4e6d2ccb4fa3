package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.testing.SharedCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every captured stream of the shared corpus replays with the format detected on its own. */
class ReplayCorpusTest {

  @TestFactory
  Stream<DynamicTest> everyCorpusStreamReplaysWithItsFormatDetected() throws IOException {
    Path corpus = SharedCorpus.require("corpus");
    List<Path> streams;
    try (Stream<Path> all = Files.walk(corpus)) {
      streams = all.filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*\\.(sse|bin|txt)$"))
          .filter(p -> !p.toString().contains("/_expected/"))
          .filter(p -> !p.toString().contains("/sse-vectors/"))
          // Legacy /v1/completions is not one of sluice's wire formats.
          .filter(p -> !p.toString().contains("/openai-completion/"))
          .sorted().toList();
    }
    assertThat(streams).hasSizeGreaterThan(100);
    return streams.stream().map(p -> DynamicTest.dynamicTest(corpus.relativize(p).toString(),
        () -> {
          if (p.getFileName().toString().contains("unparsable")) {
            // No event of this stream is JSON, so nothing tells its format; named, it fails.
            assertThat(CliRun.of("replay", "--json", p.toString()).status()).isEqualTo(1);
            CliRun named = CliRun.of("replay", "--json", "--format", "openai-chat", p.toString());
            assertThat(named.status()).isEqualTo(2);
            assertThat(named.err()).contains("malformed_event");
            return;
          }
          CliRun run = CliRun.of("replay", "--json", p.toString());
          assertThat(run.status()).as(run.err()).isIn(0, 2);
          assertThat(run.out()).startsWith("{\"text\":");
        }));
  }

  @Test
  void realOpenAiCaptureAssemblesToItsKnownText() {
    Path file = SharedCorpus.require("corpus/openai-python/"
        + "e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin");
    CliRun run = CliRun.of("replay", "--json", file.toString());
    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("\"text\":\"I'm unable to provide real-time weather updates. "
        + "To get the current weather in San Francisco, I recommend checking a reliable weather "
        + "website or a weather app.\"", "\"finishReason\":\"stop\"");
  }

  @Test
  void aWebSearchReplaysWithItsServerToolAndCitationsNotAsToolCalls() {
    Path file = SharedCorpus.require("corpus/vercel-ai/anthropic/anthropic-web-search-tool.1.chunks.txt");
    CliRun run = CliRun.of("replay", "--json", "--format", "anthropic", file.toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"toolCalls\":[]",
        "\"serverTools\":[{\"id\":\"srvtoolu_01Bj5uzzLcYG5hfueSLcDH8k\",\"name\":\"web_search\","
            + "\"type\":\"server_tool_use\",\"input\":\"{\\\"query\\\":",
        "\"citations\":[{\"type\":\"web_search_result_location\",\"url\":\"https://www.apple.com/");
  }

  @Test
  void logprobsReachTheAssembledMessage() {
    Path file = SharedCorpus.require("corpus/openai-python/"
        + "83b060bae42eb41c4f1edbb7c1542b954b37d9dfd1910b964ddebc9677e6ae85.bin");
    CliRun run = CliRun.of("replay", "--json", file.toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"text\":\"Foo!\"",
        "\"logprobs\":[{\"token\":\"Foo\",\"logprob\":-0.0025094282},"
            + "{\"token\":\"!\",\"logprob\":-0.26638845}]");
  }
}
