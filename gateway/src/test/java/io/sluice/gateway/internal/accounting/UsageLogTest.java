package io.sluice.gateway.internal.accounting;

import io.sluice.gateway.internal.telemetry.StderrLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

class UsageLogTest {

  private static UsageEntry entry(int i, String error) {
    return new UsageEntry(0, i % 2 == 0 ? "team-a" : "", "/v1/chat/completions", "openai-chat",
        "m" + i, 200, 12, 340, 5, i, 0, 0, 0, "stop", error, "#1", "");
  }

  @Test
  void theLogLineNamesEveryFieldAndADashForWhatIsMissing() {
    assertThat(entry(1, "").logLine()).isEqualTo("/v1/chat/completions - 200 model=m1 "
        + "upstream=openai-chat key=#1 ttft=12ms duration=340ms in=5 out=1 finish=stop");
    assertThat(entry(2, "timeout").logLine()).isEqualTo("/v1/chat/completions team-a 200 "
        + "model=m2 upstream=openai-chat key=#1 ttft=12ms duration=340ms in=5 out=2 finish=stop"
        + " error=timeout");
  }

  @Test
  void everyEntryIsWrittenInOrderAndCloseWritesWhatIsQueued(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("usage.jsonl");
    List<String> lines = new CopyOnWriteArrayList<>();
    UsageLog log = new UsageLog(file.toString(), false, lines::add);
    for (int i = 0; i < 2_500; i++) {
      log.write(entry(i, ""));
    }
    log.close();

    assertThat(lines).hasSize(2_500);
    assertThat(lines.get(2_499)).contains("model=m2499 ");
    List<String> json = Files.readAllLines(file);
    assertThat(json).hasSize(2_500);
    assertThat(json.get(0)).startsWith("{\"time\":").contains("\"model\":\"m0\"");
    assertThat(json.get(2_499)).contains("\"model\":\"m2499\"");
    assertThat(log.dropped.get()).isZero();
  }

  @Test
  void aStalledWriterDropsAndCountsRatherThanBlock() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    UsageLog log = new UsageLog("", false, line -> {
      stalled.countDown();
      try {
        release.await(10, TimeUnit.SECONDS); // a request log that cannot keep up
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    log.write(entry(0, ""));
    assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 10_100; i++) {
      log.write(entry(i, "")); // returns at once even though nothing is taken off the queue
    }

    assertThat(log.dropped.get()).isEqualTo(100);
    release.countDown();
    log.close();
  }

  @Test
  void theStandardErrorLogWritesABatchAtOnce() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8);
    StderrLog log = new StderrLog("gw: ", out);
    log.accept("one");
    log.accept("two");
    assertThat(bytes.size()).isZero();

    log.flush();

    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("gw: one\ngw: two\n");
  }
}
