package io.sluice.client;

import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.MessageAccumulator;
import java.util.Iterator;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/**
 * One streaming call, started by {@link SluiceClient#stream}. Consume it one way, once: iterate it
 * (blocking), as a {@link #stream()}, push it to a {@link #listen listener}, or
 * {@link #subscribe subscribe} to it as a {@link Flow.Publisher} that honours demand. The body is
 * read only as fast as the consumer asks: nothing queues without bound.
 *
 * <p>The events end with exactly one terminal event. A failure before the stream started (an
 * error answer, a failed connection) is thrown as a {@link ClientException} by the iterator,
 * passed to {@link StreamListener#onError} or to {@link Flow.Subscriber#onError}.
 *
 * <p>{@link #close()} cancels the call at once from any thread: the connection is closed, and if
 * the stream had not ended, its one terminal event is {@code Failed(type="cancelled")}, not
 * retryable: a loop iterating after {@code close()} ends with it, {@link #finish()} returns it as
 * the outcome, a listener receives it before {@code close()} returns, a subscriber at its next
 * demand. Nothing else is delivered after {@code close()} returns. Thread-safe.
 *
 * <p>The shortest correct program: {@code String answer = client.stream(request).text();} throws
 * {@link StreamFailedException} rather than return half an answer.
 */
public interface EventStream extends Iterable<StreamEvent>, Flow.Publisher<StreamEvent>,
    AutoCloseable {

  /** A blocking iterator; {@code hasNext} waits for the next event. */
  @Override
  Iterator<StreamEvent> iterator();

  /** The events as a sequential stream; closing it closes this. */
  Stream<StreamEvent> stream();

  /** Pushes every event to {@code listener} as it arrives. */
  void listen(StreamListener listener);

  /**
   * Reads the whole stream and assembles its message; the outcome says whether it failed (a
   * stream closed meanwhile ends {@code Failed(cancelled)}). Closes the stream.
   *
   * @throws ClientException when the call failed before its stream started
   */
  default FinalMessage finish() {
    MessageAccumulator accumulator = MessageAccumulator.create();
    try {
      for (StreamEvent event : this) {
        accumulator.accept(event);
      }
    } finally {
      close();
    }
    return accumulator.result();
  }

  /**
   * As {@link #finish()}, but a stream that ended with {@link Failed} throws.
   *
   * @throws StreamFailedException carrying the {@link Failed} event and the partial message
   * @throws ClientException when the call failed before its stream started
   */
  default FinalMessage finishOrThrow() {
    FinalMessage message = finish();
    if (message.outcome() instanceof Failed failed) {
      throw new StreamFailedException(failed, message);
    }
    return message;
  }

  /**
   * The answer's text (the first choice's), once the stream ended well.
   *
   * @throws StreamFailedException when the stream ended with {@link Failed}, cancellation included
   * @throws ClientException when the call failed before its stream started
   */
  default String text() {
    return finishOrThrow().text();
  }

  /** Cancels the call; idempotent. */
  @Override
  void close();
}
