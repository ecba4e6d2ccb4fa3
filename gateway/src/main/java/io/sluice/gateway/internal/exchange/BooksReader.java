package io.sluice.gateway.internal.exchange;

import io.sluice.core.SluiceException;
import io.sluice.core.codec.DecoderOptions;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.TextStart;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import java.util.function.Consumer;

/**
 * Reads a passed-through stream for the books: the upstream format's decoder, except for the
 * chunks a byte scan can vouch for. Only the books read a pass-through's events (the client gets
 * the bytes), and in a Chat stream nearly every event is a chunk of one text delta
 * ({@link ChatTextChunk}): decoding it through the JSON parser into events cost about a third of
 * the event loops' time. Such a chunk is booked as the decoder would have told it — a
 * {@code TextDelta} of choice 0 — through {@link TextSink}, without a parser, a string or an
 * event; every other event goes to the decoder, which keeps its state from them.
 *
 * <p>A chunk is taken off the decoder only while that cannot change what the decoder would emit
 * for it: some event came already (so no {@code ResponseStarted} is due), choice 0's text block is
 * open (so no {@code TextStart}) and the choice has not finished (after which its deltas are
 * ignored). The decoder then misses only the text of the block it closes at the end, which the
 * books do not read. The other formats, and a translation, decode every event.
 */
final class BooksReader implements SseListener {

  /** Where a text delta of choice 0 goes: its UTF-8 length, and its text when asked for. */
  public interface TextSink {
    void text(long utf8Bytes, String text);
  }

  private final StreamDecoder decoder;
  private final Consumer<StreamEvent> events;
  private final TextSink texts;
  private final boolean keepText;
  /** Null when every event is decoded. */
  private final ChatTextChunk scan;
  private boolean emittedAny;
  private boolean textOpen;
  private boolean choiceFinished;

  /**
   * @param keepText whether {@code texts} wants the text itself (the usage log keeps content), or
   *     its length alone
   */
  public BooksReader(WireCodec codec, DecoderOptions options, Consumer<StreamEvent> events,
      TextSink texts, boolean keepText) {
    this.events = events;
    this.texts = texts;
    this.keepText = keepText;
    this.scan = codec.format() == WireFormat.OPENAI_CHAT ? new ChatTextChunk() : null;
    this.decoder = codec.decoder(this::decoded, options);
  }

  /** The decoder behind: whether the stream has ended is its to say. */
  public StreamDecoder decoder() {
    return decoder;
  }

  private void decoded(StreamEvent event) {
    emittedAny = true;
    if (event instanceof TextStart && ((TextStart) event).choice() == 0) {
      textOpen = true;
    } else if (event instanceof TextEnd && ((TextEnd) event).choice() == 0) {
      textOpen = false;
    } else if (event instanceof ChoiceFinished && ((ChoiceFinished) event).choice() == 0) {
      textOpen = false;
      choiceFinished = true;
    }
    events.accept(event);
  }

  @Override
  public boolean onEventBytes(String name, byte[] data, int offset, int length,
      String lastEventId) {
    if (scan != null && emittedAny && textOpen && !choiceFinished && !decoder.finished()
        && scan.scan(data, offset, length) && !(keepText && scan.textEscaped())) {
      texts.text(scan.textUtf8Bytes(), keepText ? scan.text(data) : null);
      return true;
    }
    return decoder.onEventBytes(name, data, offset, length, lastEventId);
  }

  @Override
  public void onEvent(SseEvent event) {
    decoder.onEvent(event);
  }

  @Override
  public void onComment(String text) {
    decoder.onComment(text);
  }

  @Override
  public void onRetry(long millis) {
    decoder.onRetry(millis);
  }

  @Override
  public void onUnterminatedEvent(SseEvent event) {
    decoder.onUnterminatedEvent(event);
  }

  @Override
  public void onEnd(SseEnd end) {
    decoder.onEnd(end);
  }

  @Override
  public void onFailure(SluiceException failure) {
    decoder.onFailure(failure);
  }
}
