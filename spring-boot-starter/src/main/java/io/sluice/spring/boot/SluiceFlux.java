package io.sluice.spring.boot;

import io.sluice.client.EventStream;
import io.sluice.client.StreamFailedException;
import io.sluice.client.SluiceClient;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.MessageAccumulator;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

/**
 * A stream as a Reactor {@link Flux}, for WebFlux handlers and other reactive code. Demand flows
 * through: the body is read only as fast as the subscriber requests. Disposing of the
 * subscription (a client that went away, a {@code take(n)}, a timeout) cancels the call and
 * closes the upstream connection.
 *
 * <pre>{@code
 * @GetMapping(value = "/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
 * Flux<String> chat(@RequestParam String q) {
 *   return SluiceFlux.text(client, ChatRequest.builder("gpt-4o-mini").user(q).build());
 * }
 * }</pre>
 */
public final class SluiceFlux {

  private SluiceFlux() {}

  /**
   * The events of a call started at subscription; each subscriber starts its own call.
   *
   * @param client the client
   * @param request the request
   * @return the events, ending with {@code Done} or {@code Failed}; a failure before the stream
   *     started is an error signal carrying the {@code ClientException}
   */
  public static Flux<StreamEvent> events(SluiceClient client, ChatRequest request) {
    return Flux.defer(() -> events(client.stream(request)));
  }

  /**
   * The events of a call already started. It can be subscribed to once.
   *
   * @param stream the call
   * @return the events
   */
  public static Flux<StreamEvent> events(EventStream stream) {
    // The subscription's cancel closes the exchange; doFinally also closes a stream that was
    // never subscribed to through this Flux's downstream (a cancel before onSubscribe).
    return JdkFlowAdapter.flowPublisherToFlux(stream).doFinally(signal -> stream.close());
  }

  /**
   * The text deltas of the first choice of a call started at subscription.
   *
   * @param client the client
   * @param request the request
   * @return the text, delta by delta; a failed stream ends with an error signal
   */
  public static Flux<String> text(SluiceClient client, ChatRequest request) {
    return Flux.defer(() -> {
      // The whole message is kept so that a failure carries what arrived before it.
      MessageAccumulator partial = MessageAccumulator.create();
      return events(client, request).handle((event, sink) -> {
        partial.accept(event);
        if (event instanceof TextDelta d && d.choice() == 0) {
          sink.next(d.text());
        } else if (event instanceof Failed f) {
          sink.error(new StreamFailedException(f, partial.result()));
        }
      });
    });
  }
}
