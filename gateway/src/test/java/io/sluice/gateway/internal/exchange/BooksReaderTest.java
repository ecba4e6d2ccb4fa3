package io.sluice.gateway.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.DecoderOptions;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import io.sluice.gateway.internal.accounting.Accounting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The books a pass-through keeps with {@link BooksReader} (a byte scan for most Chat chunks) are
 * the books the decoder alone keeps: usage, finish, failure, what was skipped as malformed, the
 * output's size and text, for every stream of the shared corpus in every format, whole, cut short
 * at many points, and with one event broken, fed at every chunking.
 */
class BooksReaderTest {

  record Wire(WireFormat format, String name, byte[] bytes) {
    @Override
    public String toString() {
      return format + " " + name;
    }
  }

  private static final Map<WireFormat, List<String>> DIRS = Map.of(
      WireFormat.OPENAI_CHAT, List.of("openai-python", "openai-node", "vercel-ai/openai-chat",
          "vercel-ai/openai-compatible-chat", "vercel-ai/mistral",
          "vercel-ai/inline-test-streams/openai-chat", "vercel-ai/inline-test-streams/mistral",
          "vercel-ai/azure-responses"),
      WireFormat.OPENAI_RESPONSES, List.of("openai-node", "vercel-ai/openai-responses",
          "vercel-ai/azure-responses", "vercel-ai/open-responses"),
      WireFormat.ANTHROPIC_MESSAGES, List.of("anthropic-sdk-python", "anthropic-sdk-typescript",
          "vercel-ai/anthropic", "vercel-ai/inline-test-streams/anthropic"));

  static List<Wire> corpus() {
    String configured = System.getProperty("sluice.shared");
    Path root = (configured != null ? Path.of(configured) : Path.of("../../shared"))
        .resolve("corpus");
    Assumptions.assumeTrue(Files.isDirectory(root), "shared corpus absent (" + root + ")");
    List<Wire> all = new ArrayList<>();
    for (WireFormat format : WireFormat.values()) {
      for (String dir : DIRS.getOrDefault(format, List.of())) {
        Path d = root.resolve(dir);
        if (!Files.isDirectory(d)) {
          continue;
        }
        for (Path file : list(d)) {
          String name = dir + "/" + file.getFileName();
          if (belongs(format, name)) {
            List<byte[]> wires = wires(format, name, file);
            for (int i = 0; i < wires.size(); i++) {
              all.add(new Wire(format, name + (wires.size() > 1 ? "#" + (i + 1) : ""),
                  wires.get(i)));
            }
          }
        }
      }
    }
    return all;
  }

  /** The Chat streams alone: they are the ones the scan reads. */
  static List<Wire> chatCorpus() {
    return corpus().stream().filter(w -> w.format() == WireFormat.OPENAI_CHAT).toList();
  }

  private static boolean belongs(WireFormat format, String name) {
    if (name.endsWith(".json") || name.endsWith(".snap")) {
      return false;
    }
    boolean deepseek = name.contains("azure-deepseek-reasoning"); // Chat chunks among Responses
    return switch (format) {
      case OPENAI_CHAT -> name.startsWith("openai-node/") ? name.contains("ChatCompletionStream")
          : !name.startsWith("vercel-ai/azure-responses/") || deepseek;
      case OPENAI_RESPONSES -> name.startsWith("openai-node/") ? name.contains("ResponseStream")
          : !deepseek;
      default -> true;
    };
  }

  /** A file as the SSE a client receives: a chunks file framed event by event, else as it is. */
  private static List<byte[]> wires(WireFormat format, String name, Path file) {
    byte[] bytes = read(file);
    if (!name.endsWith(".chunks.txt")) {
      return List.of(bytes);
    }
    List<byte[]> wires = new ArrayList<>();
    StringBuilder sse = new StringBuilder();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String type = format == WireFormat.OPENAI_CHAT ? null : typeOf(line);
      if (type != null) {
        sse.append("event: ").append(type).append('\n');
      }
      sse.append("data: ").append(line).append("\n\n");
      if (type != null && (type.equals("message_stop") || type.startsWith("response.completed")
          || type.equals("response.failed") || type.equals("response.incomplete"))) {
        wires.add(sse.toString().getBytes(StandardCharsets.UTF_8));
        sse.setLength(0);
      }
    }
    if (format == WireFormat.OPENAI_CHAT) {
      sse.append("data: [DONE]\n\n");
    }
    if (sse.length() > 0) {
      wires.add(sse.toString().getBytes(StandardCharsets.UTF_8));
    }
    return wires;
  }

  /** The {@code "type"} of a JSON line, read without a parser: good enough to name the event. */
  private static String typeOf(String line) {
    int at = line.indexOf("\"type\"");
    if (at < 0) {
      return null;
    }
    int open = line.indexOf('"', line.indexOf(':', at) + 1);
    int close = open < 0 ? -1 : line.indexOf('"', open + 1);
    return close < 0 ? null : line.substring(open + 1, close);
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The books of {@code wire} fed in pieces of {@code split}, by the decoder alone or not. */
  private static Accounting.Summary books(WireCodec codec, byte[] wire, boolean scan,
      boolean keepText, int[] split, int[] scanned) {
    Accounting books = new Accounting(System.nanoTime(), keepText);
    DecoderOptions options = DecoderOptions.skipMalformed(books::malformedSkipped);
    SseListener listener = scan
        ? new BooksReader(codec, options, books, (n, t) -> {
          scanned[0]++;
          books.textDelta(n, t);
        }, keepText)
        : codec.decoder(books, options);
    SseReader reader = SseReader.create(listener);
    int at = 0;
    for (int i = 0; at < wire.length; i++) {
      int n = Math.min(wire.length - at, split[i % split.length]);
      reader.feed(wire, at, n);
      at += n;
    }
    reader.end();
    return books.summary();
  }

  /** Whole, one byte at a time (unless {@code quick}), and in random pieces. */
  private static List<int[]> splits(byte[] wire, long seed, boolean quick) {
    Random random = new Random(seed);
    int[] pieces = new int[64];
    for (int i = 0; i < pieces.length; i++) {
      pieces[i] = 1 + random.nextInt(97);
    }
    return quick ? List.of(new int[] {Math.max(1, wire.length)}, pieces)
        : List.of(new int[] {Math.max(1, wire.length)}, new int[] {1}, pieces);
  }

  private static List<WireCodec> codecs(WireFormat format) {
    if (format != WireFormat.OPENAI_CHAT) {
      return List.of(WireCodec.of(format));
    }
    List<WireCodec> all = new ArrayList<>();
    for (ChatDialect d : ChatDialect.values()) {
      all.add(WireCodec.openAiChat(d));
    }
    return all;
  }

  /**
   * Both ways agree on {@code wire}, in every Chat dialect, with the text kept and not, at every
   * chunking ({@code quick}: not one byte at a time); returns how many chunks the scan booked.
   */
  private static int assertSameBooks(WireFormat format, String name, byte[] wire) {
    return assertSameBooks(format, name, wire, false);
  }

  private static int assertSameBooks(WireFormat format, String name, byte[] wire,
      boolean quick) {
    int[] scanned = {0};
    for (WireCodec codec : codecs(format)) {
      for (boolean keepText : new boolean[] {false, true}) {
        for (int[] split : splits(wire, name.hashCode(), quick)) {
          Accounting.Summary decoded = books(codec, wire, false, keepText, split, new int[1]);
          Accounting.Summary read = books(codec, wire, true, keepText, split, scanned);
          assertThat(read).as("%s (%s, keep text %s, pieces of %d)", name, codec.format(),
              keepText, split[0]).isEqualTo(decoded);
        }
      }
    }
    return scanned[0];
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void theBooksOfEveryCorpusStreamAreTheDecodersBooks(Wire wire) {
    assertSameBooks(wire.format(), wire.name(), wire.bytes());
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void theBooksOfAStreamCutShortAreTheDecodersBooks(Wire wire) {
    byte[] bytes = wire.bytes();
    int cuts = Math.min(16, bytes.length);
    Random random = new Random(wire.name().hashCode());
    for (int i = 1; i <= cuts; i++) {
      // Evenly spread, and as many at random: inside events, inside strings, at line ends.
      int at = i % 2 == 0 ? (int) ((long) bytes.length * i / (cuts + 1))
          : random.nextInt(bytes.length);
      byte[] cut = java.util.Arrays.copyOf(bytes, at);
      assertSameBooks(wire.format(), wire.name() + " cut at " + at, cut, true);
    }
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void theBooksOfAStreamWithABrokenEventAreTheDecodersBooks(Wire wire) {
    byte[] bytes = wire.bytes();
    Random random = new Random(wire.name().hashCode() * 31L);
    for (int i = 0; i < 6; i++) {
      // One byte of the JSON changed: a quote, a brace, a digit or a letter, into another.
      byte[] broken = bytes.clone();
      int at = random.nextInt(Math.max(1, bytes.length));
      if (broken.length == 0) {
        break;
      }
      byte[] into = {'"', '}', ',', '0', 'x', '\\', ' ', '\n'};
      broken[at] = into[random.nextInt(into.length)];
      assertSameBooks(wire.format(), wire.name() + " broken at " + at, broken, true);
    }
  }

  @Test
  void theScanBooksMostChunksOfTheChatCorpus() {
    int scanned = 0;
    for (Wire w : chatCorpus()) {
      scanned += assertSameBooks(w.format(), w.name(), w.bytes());
    }
    // The corpus has hundreds of plain text chunks: if none were read by the scan, the
    // comparisons above compare the decoder with itself.
    assertThat(scanned).isGreaterThan(500);
  }

  /** Chunks the scan must leave to the decoder, each after a plain start of a stream. */
  @Test
  void chunksTheScanDoesNotVouchForGoToTheDecoder() {
    String head = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
        + "\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
    String[] tails = {
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"a\"}}]}",
        "{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"b\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":3,"
            + "\"completion_tokens\":2,\"total_tokens\":5}}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"error\":{\"message\":\"x\"}}",
        "{\"object\":\"error\",\"message\":\"boom\",\"type\":\"server_error\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"a\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\",\"reasoning_content\":\"r\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\",\"tool_calls\":[{\"index\":0,"
            + "\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"logprobs\":{\"content\":[]}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\ud83d\\ude00\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\tb\"}}]}",
        "{\"choices\":[{\"index\":00,\"delta\":{\"content\":\"a\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]} x",
        "{\"created\":123456789012345678901234,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
        "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"m\"},\"delta\":{\"content\":\"a\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}}]}",
    };
    for (String tail : tails) {
      String stream = head + "data: " + tail + "\n\n"
          + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
          + "data: [DONE]\n\n";
      int scanned = assertSameBooks(WireFormat.OPENAI_CHAT, tail,
          stream.getBytes(StandardCharsets.UTF_8));
      assertThat(scanned).as(tail).isZero();
    }
  }

  @Test
  void plainTextChunksWithEscapesAndSkippedFieldsAreScanned() {
    String stream = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
        + "\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":{\"content\":"
        + "\" \\\"th\\u00e9\\u4e2d\\n\\\\ caf\u00e9 \uD83D\uDE00\"},\"logprobs\":null,"
        + "\"finish_reason\":null,\"content_filter_results\":{\"hate\":{\"filtered\":false,"
        + "\"severity\":\"safe\"},\"scores\":[1.5e-3,-2,0,true,null]}}],\"usage\":null}\n\n"
        + "data: { \"choices\" : [ { \"delta\" : { \"content\" : \"!\" } } ] }\n\n"
        + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
        + "\"total_tokens\":7}}\n\n"
        + "data: [DONE]\n\n";
    int scanned = assertSameBooks(WireFormat.OPENAI_CHAT, "escapes",
        stream.getBytes(StandardCharsets.UTF_8));
    // Two chunks after the first, in each of the 3 splittings and 4 dialects; with the text
    // kept, the escaped one goes to the decoder: (2 + 1) × 3 × 4.
    assertThat(scanned).isEqualTo(36);
  }
}
