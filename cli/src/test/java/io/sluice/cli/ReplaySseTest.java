package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplaySseTest {

  @TempDir
  Path dir;

  private Path capture(String content) throws IOException {
    Path file = dir.resolve("capture.sse");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void printsRawEventsAsJsonLinesWithAbsentFieldsOmitted() throws IOException {
    Path file = capture("retry: 5\nid: 1\ndata: a\ndata: b\n\nevent: x\ndata: é\n\n");
    CliRun run = CliRun.of("replay", "--format", "sse", "--events", file.toString());
    assertThat(run.status()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "{\"data\":\"a\\nb\",\"id\":\"1\",\"retry\":5}",
        "{\"event\":\"x\",\"data\":\"é\",\"id\":\"1\"}");
  }

  @Test
  void readsStandardInput() {
    CliRun run = CliRun.withInput("data: hi\n\n".getBytes(StandardCharsets.UTF_8),
        "replay", "--format", "sse", "--events", "-");
    assertThat(run.status()).isZero();
    assertThat(run.out().strip()).isEqualTo("{\"data\":\"hi\"}");
  }

  @Test
  void truncatedStreamExitsWithTwoAndSaysWhy() throws IOException {
    CliRun run = CliRun.of("replay", "--format", "sse", "--events",
        capture("data: a\n\ndata: cut").toString());
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.out().lines()).containsExactly("{\"data\":\"a\"}");
    assertThat(run.err().strip()).isEqualTo("sluice replay: the stream ends inside an event (truncated)");
  }

  @Test
  void missingFileExitsWithOne() {
    CliRun run = CliRun.of("replay", dir.resolve("absent.sse").toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("sluice replay: no such file:");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void unknownFormatIsAUsageError() throws IOException {
    CliRun run = CliRun.of("replay", "--format", "xml", capture("data: a\n\n").toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("unknown --format 'xml'");
  }

  @Test
  void undetectableFormatIsAUsageError() throws IOException {
    CliRun run = CliRun.of("replay", capture("data: not json\n\n").toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("cannot tell the stream's format");
  }
}
