package io.sluice.core.reliability;

import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.event.Done;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.TextStart;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import io.sluice.core.event.ToolKind;
import io.sluice.core.event.Usage;
import io.sluice.core.sse.SseWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random model event sequences (text with multi-byte characters, reasoning, tool calls, usage),
 * encoded with a format's own stream encoder; the line ends of the SSE framing are then rewritten
 * to CRLF or CR. JSON escapes CR and LF inside values, so only the framing changes.
 */
final class GeneratedStreams {
  private GeneratedStreams() {}

  enum LineEnd {
    LF("\n"), CRLF("\r\n"), CR("\r");

    final String text;

    LineEnd(String text) {
      this.text = text;
    }
  }

  private static final String[] ALPHABET = {"a", "b", "z", " ", "Hello", ".", "\"", "\\",
      "\n", "\r\n", "é", "ß", "€", "中文", "😀", "🇫🇷", "\u0000", "{", "}", "data: ", ":", "\t"};

  static byte[] wire(WireCodec codec, long seed, LineEnd lineEnd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamEncoder encoder = codec.encoder(SseWriter.create(out::write));
    events(new Random(seed)).forEach(encoder::encode);
    String lf = out.toString(StandardCharsets.UTF_8);
    return lf.replace("\n", lineEnd.text).getBytes(StandardCharsets.UTF_8);
  }

  static List<StreamEvent> events(Random random) {
    List<StreamEvent> events = new ArrayList<>();
    events.add(new ResponseStarted("gen_" + random.nextInt(1000), "model-x", 1_700_000_000L, ""));
    int blocks = 1 + random.nextInt(4);
    boolean tools = false;
    int calls = 0;
    for (int index = 0; index < blocks; index++) {
      List<String> deltas = deltas(random);
      String whole = String.join("", deltas);
      switch (random.nextInt(3)) {
        case 0:
          events.add(new TextStart(0, index));
          for (String d : deltas) {
            events.add(new TextDelta(0, index, d));
          }
          events.add(new TextEnd(0, index, whole));
          break;
        case 1:
          events.add(new ReasoningStart(0, index, ReasoningKind.THINKING, ""));
          for (String d : deltas) {
            events.add(new ReasoningDelta(0, index, d));
          }
          events.add(new ReasoningEnd(0, index, ReasoningKind.THINKING, whole, "sig" + index));
          break;
        default:
          tools = true;
          String id = "call_" + index;
          String name = "tool_" + index;
          String arguments = "{\"q\":" + quote(whole) + ",\"n\":" + random.nextInt(100) + "}";
          int ordinal = calls++;
          events.add(new ToolCallStart(0, index, ordinal, id, name, ToolKind.FUNCTION));
          for (String piece : pieces(arguments, random)) {
            events.add(new ToolCallDelta(0, index, ordinal, id, name, piece));
          }
          events.add(new ToolCallEnd(0, index, ordinal, id, name, ToolKind.FUNCTION, arguments,
              true));
      }
    }
    events.add(Usage.of(10 + random.nextInt(100), 1 + random.nextInt(100), 0, 0, 0));
    events.add(tools ? new Done(FinishReason.TOOL_CALLS, "tool_calls")
        : new Done(FinishReason.STOP, "stop"));
    return events;
  }

  private static List<String> deltas(Random random) {
    List<String> deltas = new ArrayList<>();
    int n = 1 + random.nextInt(6);
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      int parts = 1 + random.nextInt(5);
      for (int p = 0; p < parts; p++) {
        sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
      }
      deltas.add(sb.toString());
    }
    return deltas;
  }

  /** Cuts at code-point boundaries only: a delta is a string, never half a surrogate pair. */
  private static List<String> pieces(String text, Random random) {
    List<String> pieces = new ArrayList<>();
    int from = 0;
    while (from < text.length()) {
      int to = Math.min(text.length(), from + 1 + random.nextInt(12));
      if (to < text.length() && Character.isLowSurrogate(text.charAt(to))) {
        to++;
      }
      pieces.add(text.substring(from, to));
      from = to;
    }
    return pieces;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
