package io.sluice.core.internal.codec.chat;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import io.sluice.core.testing.DecoderPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Decodes Chat wire bytes at every chunking and checks that they agree and obey the grammar. */
final class ChatStreams {
  static final WireCodec CODEC = ChatCodec.of(ChatDialect.OPENAI);

  private ChatStreams() {}

  /** Events of {@code wire} at every chunking (whole, byte by byte, every split, random). */
  static List<StreamEvent> decode(String wire) {
    return decode(wire.getBytes(StandardCharsets.UTF_8), Chunkings.of(
        wire.getBytes(StandardCharsets.UTF_8)));
  }

  static List<StreamEvent> decode(byte[] wire, List<Chunking> chunkings) {
    return DecoderPaths.everyChunking(CODEC, chunkings);
  }

  /** A vercel {@code *.chunks.txt}: each line is one data payload; the harness adds [DONE]. */
  static byte[] replayChunks(Path file) {
    try {
      StringBuilder sb = new StringBuilder();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          sb.append("data: ").append(line).append("\n\n");
        }
      }
      return sb.append("data: [DONE]\n\n").toString().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
