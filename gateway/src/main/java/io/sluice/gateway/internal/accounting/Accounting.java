package io.sluice.gateway.internal.accounting;

import io.sluice.core.event.BlockEvent;
import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.Usage;
import io.sluice.core.message.FinalMessage;
import java.util.function.Consumer;

/**
 * The books of one request, kept from the upstream's decoded events: when the first token came,
 * the last usage, the finish reason and the failure. Only a bounded prefix of the output text is
 * kept, and only when the usage log asks for content.
 */
public final class Accounting implements Consumer<StreamEvent> {
  private static final int MAX_KEPT_TEXT = 64 * 1024;

  private final long startNanos;
  private final StringBuilder text;
  long firstTokenNanos = -1;
  private long lastTokenNanos = -1;
  /** Content deltas relayed (text, reasoning, refusal, tool arguments): roughly one per token. */
  private long deltas;
  public Usage usage = Usage.ZERO;
  public String finishReason = "";
  public String responseModel = "";
  public Failed failure;
  /** The first event of a passed-through stream that did not parse; the books went on past it. */
  public Failed skipped;
  boolean terminal;
  /** UTF-8 bytes of the output that came (text, reasoning, refusal, tool arguments). */
  long outputBytes;

  public Accounting(long startNanos, boolean keepText) {
    this.startNanos = startNanos;
    this.text = keepText ? new StringBuilder() : null;
  }

  @Override
  public void accept(StreamEvent event) {
    if (event instanceof TextDelta) {
      String t = ((TextDelta) event).text();
      textDelta(utf8Length(t), t);
      return;
    }
    if (event instanceof BlockEvent) {
      lastTokenNanos = System.nanoTime();
      if (firstTokenNanos < 0) {
        firstTokenNanos = lastTokenNanos;
      }
      if (event instanceof ReasoningDelta || event instanceof RefusalDelta
          || event instanceof ToolCallDelta) {
        deltas++;
      }
    }
    if (event instanceof ReasoningDelta) {
      outputBytes += utf8Length(((ReasoningDelta) event).text());
    } else if (event instanceof RefusalDelta) {
      outputBytes += utf8Length(((RefusalDelta) event).text());
    } else if (event instanceof ToolCallDelta) {
      outputBytes += utf8Length(((ToolCallDelta) event).arguments());
    }
    if (event instanceof Usage) {
      usage = (Usage) event;
    } else if (event instanceof ResponseStarted) {
      responseModel = ((ResponseStarted) event).model();
    } else if (event instanceof ChoiceFinished && finishReason.isEmpty()) {
      finishReason = ((ChoiceFinished) event).reason().name().toLowerCase(java.util.Locale.ROOT);
    } else if (event instanceof Done) {
      terminal = true;
      finishReason = ((Done) event).reason().name().toLowerCase(java.util.Locale.ROOT);
    } else if (event instanceof Failed) {
      terminal = true;
      failure = (Failed) event;
    }
  }

  /**
   * A text delta: what {@link #accept} books for a {@link TextDelta}, from the text's UTF-8
   * length and, when the books keep content, the text itself (else it may be null). A
   * passed-through Chat chunk is booked this way without decoding it into an event.
   */
  public void textDelta(long utf8Bytes, String t) {
    lastTokenNanos = System.nanoTime();
    if (firstTokenNanos < 0) {
      firstTokenNanos = lastTokenNanos;
    }
    deltas++;
    if (text != null && text.length() < MAX_KEPT_TEXT) {
      text.append(t, 0, Math.min(t.length(), MAX_KEPT_TEXT - text.length()));
    }
    outputBytes += utf8Bytes;
  }

  /** Whether the books keep the output's text (for the usage log or spans), not only its size. */
  public boolean keepsText() {
    return text != null;
  }

  /** What the books hold, for a comparison of two ways of keeping them. */
  public record Summary(Usage usage, String finishReason, String responseModel, Failed failure,
      Failed skipped, boolean terminal, boolean tokenCame, long deltas, long outputBytes,
      String text) {}

  public Summary summary() {
    return new Summary(usage, finishReason, responseModel, failure, skipped, terminal,
        firstTokenNanos >= 0, deltas, outputBytes, text());
  }

  /** Books a whole non-streaming response. */
  public void accept(FinalMessage message) {
    firstTokenNanos = System.nanoTime();
    lastTokenNanos = firstTokenNanos;
    usage = message.usage();
    responseModel = message.model();
    if (!message.choices().isEmpty()) {
      finishReason = message.choices().get(0).finishReason().name().toLowerCase(java.util.Locale.ROOT);
    }
    outputBytes += utf8Length(message.text());
    if (text != null) {
      String t = message.text();
      text.append(t, 0, Math.min(t.length(), MAX_KEPT_TEXT));
    }
    message.error().ifPresent(f -> failure = f);
    terminal = true;
  }

  /** A passed-through event that did not parse: the client reads it itself, the books go on. */
  public void malformedSkipped(Failed malformed) {
    if (skipped == null) {
      skipped = malformed;
    }
  }

  /** When the first token came ({@link System#nanoTime}), or -1 before. */
  public long firstTokenNanos() {
    return firstTokenNanos;
  }

  /** When the last content event came ({@link System#nanoTime}), or -1 before the first. */
  public long lastTokenNanos() {
    return lastTokenNanos;
  }

  /**
   * The output tokens for the meters and spans: the upstream's count when it sent one (or the
   * books' estimate that replaced it), else (a stream cut before its usage came, by a client
   * that left or a failure) the content deltas relayed, which providers send about one per
   * token.
   */
  public long outputTokens() {
    return usage.outputTokens() > 0 ? usage.outputTokens() : deltas;
  }

  public long outputBytes() {
    return outputBytes;
  }

  /** True when the upstream reported no usage and the books must count for themselves. */
  public boolean usageMissing() {
    return usage.inputTokens() == 0 && usage.outputTokens() == 0;
  }

  /**
   * The usage to book: the upstream's when it reported one, else an estimate from the request
   * body and the output that came ({@link TokenEstimate}).
   */
  public Usage booked(long estimatedInput) {
    if (!usageMissing()) {
      return usage;
    }
    long out = TokenEstimate.ofBytes(outputBytes);
    return Usage.of(estimatedInput, out, 0, 0, 0);
  }

  /** Output tokens so far: the upstream's count once reported, else the estimate. */
  public long outputTokensSoFar() {
    return Math.max(usage.outputTokens(), TokenEstimate.ofBytes(outputBytes));
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  public long firstTokenMillis() {
    return firstTokenNanos < 0 ? -1 : (firstTokenNanos - startNanos) / 1_000_000;
  }

  public String text() {
    return text == null ? "" : text.toString();
  }
}
