package io.sluice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamScannerTest {

  private static List<String> scan(String wire) {
    List<String> seen = new ArrayList<>();
    StreamScanner s =
        new StreamScanner((text, done) -> seen.add(done ? "done" : text ? "text" : "other"));
    for (byte b : wire.getBytes(StandardCharsets.UTF_8)) {
      s.accept(b);
    }
    return seen;
  }

  @Test
  void tellsTextEventsFromEmptyDeltasCommentsAndDone() {
    String wire = ": heartbeat\n\n"
        + "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
        + "data: {\"choices\":[{\"delta\":{\"content\":\"Río\"}}]}\r\n\r\n"
        + "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: [DONE]\n\n";

    assertThat(scan(wire)).containsExactly("other", "other", "text", "other", "done");
  }

  @Test
  void anEventWithoutItsBlankLineIsNotReported() {
    assertThat(scan("data: {\"content\":\"a\"}\n")).isEmpty();
  }
}
