package io.sluice.core.internal.codec;

import io.sluice.core.LimitExceededException;
import io.sluice.core.SluiceException;
import io.sluice.core.codec.DecoderOptions;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * What every format's decoder shares: exactly one terminal event, then silence; a payload that
 * does not parse ends the stream as failed with a bounded excerpt; the end of input without the
 * format's terminal marker is a truncation. Subclasses decode one SSE event at a time, from its
 * data as UTF-8 bytes: an {@link io.sluice.core.sse.SseReader} hands them over without making a
 * {@code String} ({@link #onEventBytes}), and an {@link SseEvent} given directly is encoded first,
 * so both ways run the same code on the same bytes. The data is decoded to text only to quote it
 * in a failure.
 */
public abstract class BaseStreamDecoder implements StreamDecoder {

  private final Consumer<StreamEvent> sink;
  private boolean finished;
  /** Where skipped payloads go; null while a payload that does not parse ends the stream. */
  private Consumer<Failed> skipped;

  protected BaseStreamDecoder(Consumer<StreamEvent> sink) {
    if (sink == null) {
      throw new NullPointerException("sink");
    }
    this.sink = sink;
  }

  /**
   * Decodes one SSE event from its UTF-8 data at {@code [offset, offset + length)} of
   * {@code data}, which is valid only during the call; throws on a payload that is not what the
   * format allows.
   */
  protected abstract void decode(String name, byte[] data, int offset, int length)
      throws IOException;

  /** The input ended before a terminal event: finish with {@link #truncated} or, rarely, done. */
  protected abstract void endOfInput(SseEnd end);

  /**
   * Whether an event is this format's terminal event ({@code [DONE]}, {@code message_stop},
   * {@code response.completed}, …), judged from its name and data without decoding it: such an
   * event that lacks only its closing blank line still ends the stream.
   */
  protected abstract boolean isTerminal(String name, String data);

  @Override
  public final void onEvent(SseEvent event) {
    if (!finished) {
      byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
      onEventBytes(event.name(), data, 0, data.length, event.lastEventId());
    }
  }

  @Override
  public final boolean onEventBytes(
      String name, byte[] data, int offset, int length, String lastEventId) {
    if (finished) {
      return true;
    }
    try {
      decode(name, data, offset, length);
    } catch (SinkFailure e) {
      throw e.unwrap();
    } catch (IOException | RuntimeException e) {
      // A payload we cannot read ends the stream: skipping it could lose content silently.
      Failed failure = malformed(name, new String(data, offset, length, StandardCharsets.UTF_8), e);
      if (skipped == null) {
        finish(failure);
      } else {
        skipped.accept(failure);
      }
    }
    return true;
  }

  /** From now on a malformed payload is skipped: see {@link DecoderOptions#skipMalformed}. */
  final void skipMalformed(Consumer<Failed> onSkipped) {
    if (onSkipped == null) {
      throw new NullPointerException("onSkipped");
    }
    this.skipped = onSkipped;
  }

  /** True if the data starts with {@code prefix}, an ASCII string such as {@code [DONE]}. */
  protected static boolean startsWith(byte[] data, int offset, int length, String prefix) {
    if (length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (data[offset + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A stream whose last event is complete but lacks its blank line (real captures end
   * {@code data: [DONE]} with one line end) ends with that event when it is the format's terminal
   * event and parses; anything else stays what the reader says it is, a truncation.
   */
  @Override
  public final void onUnterminatedEvent(SseEvent event) {
    if (finished || !isTerminal(event.name(), event.data())) {
      return;
    }
    byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
    try {
      decode(event.name(), data, 0, data.length);
    } catch (SinkFailure e) {
      throw e.unwrap();
    } catch (IOException | RuntimeException e) {
      return; // cut off inside its JSON: not complete, so onEnd reports the truncation
    }
  }

  @Override
  public final void onEnd(SseEnd end) {
    if (!finished) {
      endOfInput(end);
      if (!finished) {
        finish(truncated("the stream's terminal event"));
      }
    }
  }

  @Override
  public final void onFailure(SluiceException failure) {
    if (!finished) {
      String type = failure instanceof LimitExceededException ? Failed.LIMIT : Failed.MALFORMED;
      finish(new Failed(type, "", failure.getMessage(), 0, false));
    }
  }

  @Override
  public final boolean finished() {
    return finished;
  }

  protected final void emit(StreamEvent event) {
    if (finished) {
      return;
    }
    // The two final classes, not the Terminal interface: an interface test that fails scans the
    // class's secondary supertypes on every event (JDK 17 caches only hits).
    if (event instanceof Done || event instanceof Failed) {
      finished = true;
    }
    try {
      sink.accept(event);
    } catch (RuntimeException e) {
      throw new SinkFailure(e);
    }
  }

  protected final void finish(StreamEvent.Terminal terminal) {
    emit(terminal);
  }

  /** The failure for an input that ended before {@code marker}; a retry may well succeed. */
  public static Failed truncated(String marker) {
    return new Failed(Failed.TRUNCATED, "", "the stream ended before " + marker, 0, true);
  }

  /** The failure for an unreadable payload, quoting a bounded excerpt of it. */
  public static Failed malformed(SseEvent event, Exception cause) {
    return malformed(event.name(), event.data(), cause);
  }

  private static Failed malformed(String name, String data, Exception cause) {
    String reason = cause.getMessage() == null ? cause.getClass().getSimpleName()
        : firstLine(cause.getMessage());
    return new Failed(Failed.MALFORMED, "",
        "malformed event" + (name.isEmpty() ? "" : " '" + StreamDecoder.excerpt(name) + "'")
            + ": " + reason + "; data: " + StreamDecoder.excerpt(data), 0, false);
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return StreamDecoder.excerpt(nl < 0 ? message : message.substring(0, nl));
  }

  /** Carries an exception thrown by the sink through {@link #onEvent} untouched. */
  private static final class SinkFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SinkFailure(RuntimeException cause) {
      super(cause);
    }

    RuntimeException unwrap() {
      return (RuntimeException) getCause();
    }
  }
}
