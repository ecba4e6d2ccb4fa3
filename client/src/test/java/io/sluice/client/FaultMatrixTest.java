package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.RetryPolicy;
import io.sluice.core.StreamLimits;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The cells of the fault matrix (docs/reliability.md) that no other client test covers.
 * Each case ends in exactly one terminal outcome, and the raw server sees every connection closed.
 */
class FaultMatrixTest {

  private static SluiceClient client(String baseUrl) {
    return Fixtures.chat(baseUrl).retryPolicy(RetryPolicy.none()).build();
  }

  /** What a consumer saw: the events, or the one exception thrown before the stream. */
  record Outcome(List<StreamEvent> events, ClientException thrown) {
    Failed failed() {
      assertThat(thrown).isNull();
      assertThat(events).isNotEmpty();
      assertThat(events.get(events.size() - 1)).isInstanceOf(Failed.class);
      return (Failed) events.get(events.size() - 1);
    }

    String text() {
      return events.stream().filter(e -> e instanceof TextDelta)
          .map(e -> ((TextDelta) e).text()).collect(Collectors.joining());
    }
  }

  /** Iterates to the end and checks the one-terminal-outcome rule. */
  private static Outcome consume(EventStream events) {
    List<StreamEvent> seen = new ArrayList<>();
    ClientException thrown = null;
    try {
      for (StreamEvent event : events) {
        seen.add(event);
      }
    } catch (ClientException e) {
      thrown = e;
    }
    long terminals = seen.stream().filter(e -> e instanceof StreamEvent.Terminal).count();
    if (thrown != null) {
      assertThat(seen).isEmpty();
    } else {
      assertThat(terminals).as("terminal events in %s", seen).isEqualTo(1);
      assertThat(seen.get(seen.size() - 1)).isInstanceOf(StreamEvent.Terminal.class);
    }
    return new Outcome(seen, thrown);
  }

  /** Nothing leaks: every connection the server accepted is closed. */
  private static void awaitNoOpenConnection(RawServer server) {
    await(() -> server.open.get() == 0);
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      LockSupport.parkNanos(1_000_000);
    }
  }

  private static final String ANTHROPIC_START = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}

      event: content_block_start
      data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

      """;

  @Test
  void anthropicOverloadedErrorInTheStreamIsTheOneFailedEvent() throws Exception {
    String stream = ANTHROPIC_START + """
        event: error
        data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

        """;
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          conn.chunk(stream);
          conn.write("0\r\n\r\n");
        });
        SluiceClient client = Fixtures.client(ProviderKind.ANTHROPIC, server.baseUrl())
            .retryPolicy(RetryPolicy.none()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      Outcome outcome = consume(events);
      assertThat(outcome.text()).isEqualTo("Hel");
      assertThat(outcome.failed().type()).isEqualTo("overloaded_error");
      assertThat(outcome.failed().retryable()).isTrue();
      events.close();
      assertThat(server.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void responsesResponseFailedIsTheOneFailedEvent() throws Exception {
    String stream = """
        event: response.created
        data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1,"status":"in_progress","model":"gpt-x","output":[]}}

        event: response.failed
        data: {"type":"response.failed","sequence_number":1,"response":{"id":"resp_1","object":"response","created_at":1,"status":"failed","model":"gpt-x","output":[],"error":{"code":"server_error","message":"The model failed"}}}

        """;
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          conn.chunk(stream);
          conn.write("0\r\n\r\n");
        });
        SluiceClient client = Fixtures.client(ProviderKind.OPENAI_RESPONSES, server.baseUrl())
            .retryPolicy(RetryPolicy.none()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      Failed failed = consume(events).failed();
      assertThat(failed.code()).isEqualTo("server_error");
      assertThat(failed.message()).contains("The model failed");
    }
  }

  @Test
  void aMalformedJsonEventEndsTheStreamWithOneFailedEventAndClosesTheConnection()
      throws Exception {
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          conn.chunk(Fixtures.chatDelta("ok") + "data: {\"id\":\"chatcmpl-1\",\"choices\":[\n\n");
          conn.chunk(Fixtures.chatDelta("after") + "data: [DONE]\n\n");
          conn.awaitClientClose(); // the stream never ends on its own: the client must close it
        });
        SluiceClient client = client(server.baseUrl());
        EventStream events = client.stream(Fixtures.hello())) {
      Outcome outcome = consume(events);
      assertThat(outcome.text()).isEqualTo("ok");
      assertThat(outcome.failed().type()).isEqualTo(Failed.MALFORMED);
      events.close();
      awaitNoOpenConnection(server);
    }
  }

  @Test
  void anEventOverTheSizeLimitEndsTheStreamWithOneFailedEventAndClosesTheConnection()
      throws Exception {
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          conn.chunk(Fixtures.chatDelta("ok"));
          conn.chunk(Fixtures.chatDelta("x".repeat(10_000)));
          conn.chunk(Fixtures.chatDelta("after") + "data: [DONE]\n\n");
          conn.awaitClientClose();
        });
        SluiceClient client = Fixtures.chat(server.baseUrl()).retryPolicy(RetryPolicy.none())
            .limits(StreamLimits.defaults().withMaxEventBytes(4096)).build();
        EventStream events = client.stream(Fixtures.hello())) {
      Outcome outcome = consume(events);
      assertThat(outcome.text()).isEqualTo("ok");
      assertThat(outcome.failed().type()).isEqualTo(Failed.LIMIT);
      assertThat(outcome.failed().message()).contains("4096", "maxEventBytes");
      events.close();
      awaitNoOpenConnection(server);
    }
  }

  /**
   * Only the total timeout may end the drip (the idle timeout keeps its default), and the stream
   * must have begun before it: under load the first call of a fresh JVM took longer than the 1 s
   * limit to get its headers, and ended as a StreamTimeoutException thrown before the stream.
   * A first call on the same client without the limit, read to its end, warms that path up; its
   * answer closes its connection, so the drip gets a connection of its own.
   */
  @Test
  void anEndlessSlowDripEndsAtTheTotalTimeoutAndTheConnectionCloses() throws Exception {
    AtomicInteger served = new AtomicInteger();
    try (RawServer server = new RawServer(conn -> {
          if (served.incrementAndGet() == 1) {
            conn.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                + "connection: close\r\n\r\n" + Fixtures.chatDelta("warm") + "data: [DONE]\n\n");
            conn.socket.close();
            return;
          }
          conn.sseHead();
          CountDownLatch never = new CountDownLatch(1);
          while (true) { // one event every 100 ms, forever, until the client leaves
            conn.chunk(Fixtures.chatDelta("t"));
            never.await(100, TimeUnit.MILLISECONDS);
          }
        });
        SluiceClient client = client(server.baseUrl())) {
      assertThat(client.stream(Fixtures.hello()).finish().text()).isEqualTo("warm");
      try (EventStream events = client.stream(Fixtures.hello(),
          RequestOptions.builder().totalTimeout(Duration.ofSeconds(1)).build())) {
        Outcome outcome = consume(events);
        assertThat(outcome.text()).startsWith("t");
        assertThat(outcome.failed().type()).isEqualTo(Failed.TIMEOUT);
        assertThat(outcome.failed().message()).contains("total timeout");
      }
      awaitNoOpenConnection(server);
      assertThat(server.connections.get()).isEqualTo(2);
    }
  }

  @Test
  void aResetBeforeTheHeadersWithoutRetriesIsOneTransportException() throws Exception {
    try (RawServer server = new RawServer(RawServer.Conn::reset);
        SluiceClient client = client(server.baseUrl());
        EventStream events = client.stream(Fixtures.hello())) {
      assertThat(consume(events).thrown()).isInstanceOf(TransportException.class);
      assertThat(server.connections.get()).isEqualTo(1);
      awaitNoOpenConnection(server);
    }
  }

  @Test
  void anUpstreamThatIgnoresCancellationIsCutOffAndDeliversNothingMore() throws Exception {
    CountDownLatch firstSeen = new CountDownLatch(1);
    List<StreamEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          while (true) { // writes on regardless until its socket fails
            conn.chunk(Fixtures.chatDelta("t"));
          }
        });
        SluiceClient client = client(server.baseUrl())) {
      EventStream events = client.stream(Fixtures.hello());
      events.listen(event -> {
        seen.add(event);
        firstSeen.countDown();
      });
      assertThat(firstSeen.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture.runAsync(events::close).get(10, TimeUnit.SECONDS);
      int atClose = seen.size();
      awaitNoOpenConnection(server); // its next write failed: the client closed the socket
      assertThat(seen).hasSize(atClose);
      // Nothing after close() but the one terminal event it delivered: the cancellation.
      assertThat(seen).filteredOn(e -> e instanceof StreamEvent.Terminal).singleElement()
          .isInstanceOfSatisfying(io.sluice.core.event.Failed.class,
              f -> assertThat(f.type()).isEqualTo(io.sluice.core.event.Failed.CANCELLED));
      assertThat(seen.get(atClose - 1)).isInstanceOf(StreamEvent.Terminal.class);
    }
  }

  /**
   * A server that writes its events and closes the connection at once (as {@code sluice mock}'s
   * {@code drop-after:N} does): every event that arrived before the close is delivered, then one
   * failed event. Repeated because the race it guards against is timing-dependent.
   */
  @RepeatedTest(30)
  void aConnectionClosedMidStreamDeliversEveryEventSentBeforeIt() throws Exception {
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          for (int i = 0; i < 3; i++) {
            conn.chunk(Fixtures.chatDelta("e" + i));
          }
          conn.socket.close(); // cut inside the chunked body, no terminal marker
        });
        SluiceClient client = client(server.baseUrl());
        EventStream events = client.stream(Fixtures.hello())) {
      Outcome outcome = consume(events);
      assertThat(outcome.text()).isEqualTo("e0e1e2");
      assertThat(outcome.failed().retryable()).isTrue();
      awaitNoOpenConnection(server);
    }
  }

  /** The same with an abortive close (RST) once the client has read every event. */
  @RepeatedTest(10)
  void aResetMidStreamAfterTheEventsWereReadDeliversEveryOne() throws Exception {
    CountDownLatch allRead = new CountDownLatch(1);
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          for (int i = 0; i < 3; i++) {
            conn.chunk(Fixtures.chatDelta("e" + i));
          }
          allRead.await(10, TimeUnit.SECONDS);
          conn.reset();
        });
        SluiceClient client = client(server.baseUrl());
        EventStream events = client.stream(Fixtures.hello())) {
      Iterator<StreamEvent> it = events.iterator();
      List<StreamEvent> seen = new ArrayList<>();
      while (seen.stream().filter(e -> e instanceof TextDelta).count() < 3 && it.hasNext()) {
        seen.add(it.next());
      }
      allRead.countDown();
      it.forEachRemaining(seen::add);
      Outcome outcome = new Outcome(seen, null);
      assertThat(outcome.text()).isEqualTo("e0e1e2");
      assertThat(outcome.failed().type()).isEqualTo(Failed.TRANSPORT);
      assertThat(seen.stream().filter(e -> e instanceof StreamEvent.Terminal)).hasSize(1);
      awaitNoOpenConnection(server);
    }
  }
}
