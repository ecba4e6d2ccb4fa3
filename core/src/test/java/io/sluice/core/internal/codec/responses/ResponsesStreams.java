package io.sluice.core.internal.codec.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.StreamEvent;
import io.sluice.core.sse.SseReader;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import io.sluice.core.testing.DecoderPaths;
import io.sluice.core.testing.EventGrammar;
import io.sluice.core.testing.JsonTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs the Responses decoder over wire bytes at every chunking. */
final class ResponsesStreams {
  private ResponsesStreams() {}

  /** Decodes at every chunking; all must agree and obey the grammar. Returns the events. */
  static List<StreamEvent> decode(String wire) {
    return decode(wire.getBytes(StandardCharsets.UTF_8), null);
  }

  static List<StreamEvent> decode(byte[] wire, List<Chunking> chunkings) {
    List<StreamEvent> first = null;
    for (Chunking chunking : chunkings != null ? chunkings : Chunkings.of(wire)) {
      List<StreamEvent> events = decodeOnce(chunking.pieces());
      assertThat(DecoderPaths.decode(ResponsesCodec.INSTANCE, chunking, true))
          .as("events given as SseEvents at chunking %s", chunking).isEqualTo(events);
      if (first == null) {
        first = events;
        EventGrammar.check(events);
      } else {
        assertThat(events).as("events at chunking %s", chunking).isEqualTo(first);
      }
    }
    return first;
  }

  static List<StreamEvent> decodeOnce(List<byte[]> pieces) {
    List<StreamEvent> events = new ArrayList<>();
    SseReader reader = SseReader.create(ResponsesCodec.INSTANCE.decoder(events::add));
    pieces.forEach(reader::feed);
    reader.end();
    return events;
  }

  /**
   * One JSON payload per line as named SSE events, the way vercel's harness replays
   * {@code *.chunks.txt} (plus the {@code event:} line a real Responses stream carries).
   */
  static String named(String jsonLines) {
    StringBuilder sb = new StringBuilder();
    for (String line : jsonLines.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String type = typeOf(line);
      if (type != null) {
        sb.append("event: ").append(type).append('\n');
      }
      sb.append("data: ").append(line).append("\n\n");
    }
    return sb.toString();
  }

  private static String typeOf(String line) {
    try {
      Object type = JsonTree.object(line).get("type");
      return type instanceof String ? (String) type : null;
    } catch (RuntimeException e) {
      return null; // a malformed line is replayed as it is
    }
  }
}
