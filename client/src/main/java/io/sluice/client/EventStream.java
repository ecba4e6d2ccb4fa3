package io.sluice.client;

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
 * <p>{@link #close()} cancels the call at once from any thread: the connection is closed and no
 * event is delivered after it returns. Thread-safe.
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

  /** Reads the whole stream and assembles its message; the outcome says whether it failed. */
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

  /** Cancels the call; idempotent. */
  @Override
  void close();
}
