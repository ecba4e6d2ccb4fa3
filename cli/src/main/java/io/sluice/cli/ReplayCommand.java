package io.sluice.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.SluiceException;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice replay}: reads a captured stream and prints what sluice makes of it. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay a captured stream (raw SSE as saved by curl -N) and print its events.")
final class ReplayCommand implements Callable<Integer> {

  enum Format { sse }

  @Option(names = "--format", defaultValue = "sse",
      description = "Input format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--events", description = "Print each event as one JSON object per line.")
  boolean events;

  @Parameters(paramLabel = "FILE", description = "The captured stream, or - for standard input.")
  String file;

  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public Integer call() {
    PrintStream out = System.out;
    byte[] input;
    try {
      input = read(file);
    } catch (NoSuchFileException e) {
      System.err.println("sluice replay: no such file: " + file);
      return Main.EXIT_USAGE;
    } catch (IOException e) {
      System.err.println("sluice replay: cannot read " + file + ": " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    SseOutcome outcome = new SseOutcome(out, events);
    SseReader reader = SseReader.create(outcome);
    reader.feed(input);
    reader.end();
    out.flush();
    if (outcome.failure != null) {
      System.err.println("sluice replay: " + outcome.failure.getMessage());
      return Main.EXIT_STREAM_FAILED;
    }
    if (outcome.end == SseEnd.TRUNCATED) {
      System.err.println("sluice replay: the stream ends inside an event (truncated)");
      return Main.EXIT_STREAM_FAILED;
    }
    return 0;
  }

  private static byte[] read(String file) throws IOException {
    if (file.equals("-")) {
      try (InputStream in = System.in) {
        return in.readAllBytes();
      }
    }
    return Files.readAllBytes(Path.of(file));
  }

  /** Prints raw SSE events as {@code {"event","data","id","retry"}}, absent fields omitted. */
  private static final class SseOutcome implements SseListener {
    private final PrintStream out;
    private final boolean print;
    private long retry = -1;
    SseEnd end;
    SluiceException failure;

    SseOutcome(PrintStream out, boolean print) {
      this.out = out;
      this.print = print;
    }

    @Override
    public void onEvent(SseEvent event) {
      if (print) {
        out.println(json(event, retry));
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

  static String json(SseEvent event, long retry) {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      if (!event.name().isEmpty()) {
        g.writeStringField("event", event.name());
      }
      g.writeStringField("data", event.data());
      if (!event.lastEventId().isEmpty()) {
        g.writeStringField("id", event.lastEventId());
      }
      if (retry >= 0) {
        g.writeNumberField("retry", retry);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  static {
    // Printing goes through System.out; make it UTF-8 whatever the platform default.
    System.setOut(new PrintStream(System.out, true, StandardCharsets.UTF_8));
  }
}
