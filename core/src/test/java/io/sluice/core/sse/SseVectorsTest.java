package io.sluice.core.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import io.sluice.core.testing.JsonTree;
import io.sluice.core.testing.SharedCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The 46 parser vectors of {@code shared/corpus/sse-vectors}, each at every chunking: as given,
 * whole, one byte at a time, every split point, and seeded random splits.
 */
class SseVectorsTest {

  @TestFactory
  Stream<DynamicTest> everyVectorAtEveryChunking() throws IOException {
    Path file = SharedCorpus.require("corpus/sse-vectors/sse-vectors.json");
    Map<String, Object> root = JsonTree.object(Files.readString(file));
    List<?> cases = (List<?>) root.get("cases");
    assertThat(cases).hasSize(46);
    return cases.stream().map(c -> (Map<?, ?>) c)
        .map(c -> DynamicTest.dynamicTest((String) c.get("id"), () -> check(c)));
  }

  private static void check(Map<?, ?> vector) {
    List<byte[]> given = new ArrayList<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Object chunk : (List<?>) vector.get("chunks")) {
      byte[] bytes = ((String) chunk).getBytes(StandardCharsets.UTF_8);
      given.add(bytes);
      all.writeBytes(bytes);
    }
    Map<?, ?> expected = (Map<?, ?>) vector.get("expected");
    List<Chunking> chunkings = new ArrayList<>(Chunkings.of(all.toByteArray()));
    chunkings.add(0, Chunkings.given(given));
    for (Chunking chunking : chunkings) {
      RecordingSseListener listener = new RecordingSseListener();
      SseReader reader = SseReader.create(listener);
      chunking.pieces().forEach(reader::feed);
      reader.end();
      RecordingSseListener bytes = new RecordingSseListener(true);
      SseReader bytesReader = SseReader.create(bytes);
      chunking.pieces().forEach(bytesReader::feed);
      bytesReader.end();

      String where = vector.get("id") + " fed " + chunking;
      assertThat(bytes.transcript()).as(where + ", as bytes").isEqualTo(listener.transcript());
      List<SseEvent> events = new ArrayList<>();
      for (Object e : (List<?>) expected.get("events")) {
        Map<?, ?> event = (Map<?, ?>) e;
        events.add(new SseEvent("", (String) event.get("data"), (String) event.get("lastEventId")));
      }
      assertThat(listener.events).as(where).hasSameSizeAs(events);
      for (int i = 0; i < events.size(); i++) {
        Map<?, ?> event = (Map<?, ?>) ((List<?>) expected.get("events")).get(i);
        SseEvent actual = listener.events.get(i);
        assertThat(actual.type()).as(where + " event " + i + " type").isEqualTo(event.get("event"));
        assertThat(actual.data()).as(where + " event " + i + " data").isEqualTo(event.get("data"));
        assertThat(actual.lastEventId()).as(where + " event " + i + " id")
            .isEqualTo(event.get("lastEventId"));
      }
      if (expected.containsKey("retry")) {
        assertThat(listener.retries).as(where + " retries").isEqualTo(expected.get("retry"));
      }
      if (expected.containsKey("comments")) {
        assertThat(listener.comments).as(where + " comments").isEqualTo(expected.get("comments"));
      }
      assertThat(listener.terminals).as(where + " terminal").hasSize(1)
          .first().isInstanceOf(SseEnd.class);
    }
  }
}
