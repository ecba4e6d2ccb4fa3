package io.sluice.core.internal.codec.responses;

import io.sluice.core.event.StreamEvent;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import io.sluice.core.testing.DecoderPaths;
import io.sluice.core.testing.JsonTree;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the Responses decoder over wire bytes at every chunking. */
final class ResponsesStreams {
  private ResponsesStreams() {}

  /** Decodes at every chunking; all must agree and obey the grammar. Returns the events. */
  static List<StreamEvent> decode(String wire) {
    return decode(wire.getBytes(StandardCharsets.UTF_8), null);
  }

  static List<StreamEvent> decode(byte[] wire, List<Chunking> chunkings) {
    return DecoderPaths.everyChunking(ResponsesCodec.INSTANCE,
        chunkings != null ? chunkings : Chunkings.of(wire));
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
