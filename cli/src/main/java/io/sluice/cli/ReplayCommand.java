package io.sluice.cli;

import io.sluice.core.SluiceException;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice replay}: reads a captured stream — raw SSE as {@code curl -N} saves it, or one JSON
 * payload per line — and prints what sluice makes of it, as it reads.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replay a captured stream and print its events or its assembled message.",
        "Exit status: 0 complete, 2 truncated or failed, 1 unreadable input or usage error."})
final class ReplayCommand implements Callable<Integer> {

  @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT",
      description = "auto, sse, openai-chat, openai-responses or anthropic (default: auto).")
  String format;

  @Option(names = "--events", description = "Print each event as one JSON object per line.")
  boolean events;

  @Option(names = "--json", description = "Print the assembled message as one JSON object.")
  boolean json;

  @Parameters(paramLabel = "FILE", description = "The captured stream, or - for standard input.")
  String file;

  // Taken when the command is made, so that tests can capture it; UTF-8 whatever the platform.
  private final PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);

  @Override
  public Integer call() {
    WireFormat fixed;
    boolean rawSse = false;
    switch (format.toLowerCase(Locale.ROOT)) {
      case "auto":
        fixed = null;
        break;
      case "sse":
        fixed = null;
        rawSse = true;
        break;
      case "openai-chat":
        fixed = WireFormat.OPENAI_CHAT;
        break;
      case "openai-responses":
        fixed = WireFormat.OPENAI_RESPONSES;
        break;
      case "anthropic":
        fixed = WireFormat.ANTHROPIC_MESSAGES;
        break;
      default:
        return usage("unknown --format '" + format
            + "' (use auto, sse, openai-chat, openai-responses or anthropic)");
    }
    if (rawSse && json) {
      return usage("--json needs a provider format, not sse");
    }
    try (InputStream in = open(file)) {
      int status = rawSse ? replaySse(in) : replayModel(in, fixed);
      out.flush();
      return status;
    } catch (NoSuchFileException e) {
      return usage("no such file: " + file);
    } catch (IOException e) {
      return usage("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static InputStream open(String file) throws IOException {
    return file.equals("-") ? System.in : Files.newInputStream(Path.of(file));
  }

  private int usage(String message) {
    out.flush();
    System.err.println("sluice replay: " + message);
    return Main.EXIT_USAGE;
  }

  private int replaySse(InputStream in) throws IOException {
    RawSse raw = new RawSse();
    SseReader reader = SseReader.create(raw);
    pump(in, reader::feed);
    reader.end();
    if (raw.failure != null) {
      return failed(raw.failure.getMessage());
    }
    if (raw.end == SseEnd.TRUNCATED) {
      return failed("the stream ends inside an event (truncated)");
    }
    return 0;
  }

  private int replayModel(InputStream in, WireFormat fixed) throws IOException {
    MessageAccumulator accumulator = MessageAccumulator.create();
    ModelOutput output = new ModelOutput(accumulator);
    Framing framing = new Framing(fixed, output);
    pump(in, framing::feed);
    framing.end();
    if (framing.format == null) {
      return usage("cannot tell the stream's format; name it with --format");
    }
    FinalMessage message = accumulator.result();
    if (!events && !json) {
      out.println();
    }
    if (json) {
      out.println(MessageJson.of(message));
    }
    if (message.failed()) {
      Failed f = message.error().get();
      return failed(f.type() + ": " + f.message());
    }
    return 0;
  }

  private int failed(String reason) {
    out.flush();
    System.err.println("sluice replay: " + reason);
    return Main.EXIT_STREAM_FAILED;
  }

  private interface ByteSink {
    void feed(byte[] bytes, int offset, int length);
  }

  private static void pump(InputStream in, ByteSink sink) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      sink.feed(buffer, 0, n);
    }
  }

  /** Prints raw SSE events as {@code {"event","data","id","retry"}}, absent fields omitted. */
  private final class RawSse implements SseListener {
    private long retry = -1;
    SseEnd end;
    SluiceException failure;

    @Override
    public void onEvent(SseEvent event) {
      if (events) {
        out.println(SseEventJson.of(event, retry));
      }
      retry = -1;
    }

    @Override
    public void onRetry(long millis) {
      retry = millis;
    }

    @Override
    public void onEnd(SseEnd end) {
      this.end = end;
    }

    @Override
    public void onFailure(SluiceException failure) {
      this.failure = failure;
    }
  }

  /** Prints model events, or the text as it streams, and feeds the accumulator. */
  private final class ModelOutput implements java.util.function.Consumer<StreamEvent> {
    private final MessageAccumulator accumulator;

    ModelOutput(MessageAccumulator accumulator) {
      this.accumulator = accumulator;
    }

    @Override
    public void accept(StreamEvent event) {
      accumulator.accept(event);
      if (events) {
        out.println(EventJson.of(event));
      } else if (!json && event instanceof TextDelta && ((TextDelta) event).choice() == 0) {
        out.print(((TextDelta) event).text());
        out.flush();
      }
    }
  }

  /**
   * Splits the input into SSE events — by the SSE reader, or one payload per line when the input
   * starts with '{' — detects the format when asked to, and drives the format's decoder.
   */
  private static final class Framing implements SseListener {
    private final java.util.function.Consumer<StreamEvent> sink;
    private final List<SseEvent> pending = new ArrayList<>();
    WireFormat format;
    private StreamDecoder decoder;
    private SseReader reader;
    private boolean lines;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    Framing(WireFormat fixed, java.util.function.Consumer<StreamEvent> sink) {
      this.sink = sink;
      if (fixed != null) {
        use(fixed);
      }
    }

    void feed(byte[] bytes, int offset, int length) {
      int i = offset;
      if (reader == null && !lines) {
        while (i < offset + length && Character.isWhitespace(bytes[i])) {
          i++;
        }
        if (i == offset + length) {
          return;
        }
        lines = bytes[i] == '{';
        if (!lines) {
          reader = SseReader.create(this);
        }
      }
      if (lines) {
        for (; i < offset + length; i++) {
          if (bytes[i] == '\n') {
            payload();
          } else {
            line.write(bytes[i]);
          }
        }
      } else {
        reader.feed(bytes, i, offset + length - i);
      }
    }

    void end() {
      if (lines) {
        payload();
        // One-payload-per-line captures leave out the SSE framing, [DONE] included.
        if (format == WireFormat.OPENAI_CHAT) {
          onEvent(SseEvent.of("[DONE]"));
        }
        onEnd(SseEnd.COMPLETE);
      } else if (reader != null) {
        reader.end();
      } else {
        onEnd(SseEnd.COMPLETE);
      }
    }

    private void payload() {
      String text = line.toString(StandardCharsets.UTF_8).strip();
      line.reset();
      if (!text.isEmpty()) {
        onEvent(SseEvent.of(text));
      }
    }

    private void use(WireFormat detected) {
      format = detected;
      decoder = WireCodec.of(detected).decoder(sink);
    }

    @Override
    public void onEvent(SseEvent event) {
      if (decoder == null) {
        pending.add(event);
        FormatDetector.detect(event).ifPresent(detected -> {
          use(detected);
          pending.forEach(decoder::onEvent);
          pending.clear();
        });
        return;
      }
      decoder.onEvent(event);
    }

    @Override
    public void onUnterminatedEvent(SseEvent event) {
      if (decoder != null) {
        decoder.onUnterminatedEvent(event); // a final [DONE] or message_stop without its blank line
      }
    }

    @Override
    public void onEnd(SseEnd end) {
      if (decoder != null) {
        decoder.onEnd(end);
      }
    }

    @Override
    public void onFailure(SluiceException failure) {
      if (decoder != null) {
        decoder.onFailure(failure);
      }
    }
  }
}
