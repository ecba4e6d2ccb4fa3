package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.LoopbackHttp.Answer;
import io.sluice.core.event.Done;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.message.FinalMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StreamingTest {

  @Test
  void iteratesTheEventsOfAChatStream() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      List<StreamEvent> all = Fixtures.list(events);
      assertThat(all.get(0)).isInstanceOf(ResponseStarted.class);
      assertThat(all.stream().filter(e -> e instanceof TextDelta)
          .map(e -> ((TextDelta) e).text()).collect(Collectors.joining())).isEqualTo("Hello, world");
      assertThat(all.get(all.size() - 1)).isEqualTo(new Done(FinishReason.STOP, "stop"));
    }
  }

  @Test
  void sendsTheRequestToChatCompletionsWithBearerAuth() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build()) {
      client.complete(Fixtures.hello());
      LoopbackHttp.Received r = server.received.get(0);
      assertThat(r.path()).isEqualTo("/v1/chat/completions");
      assertThat(r.headers().getFirst("authorization")).isEqualTo("Bearer sk-test-secret-123456");
      assertThat(r.headers().getFirst("accept")).isEqualTo("text/event-stream");
      assertThat(r.body()).contains("\"stream\":true").contains("Say hello");
    }
  }

  @Test
  void completeAssemblesTheStream() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build()) {
      FinalMessage message = client.complete(Fixtures.hello());
      assertThat(message.text()).isEqualTo("Hello, world");
      assertThat(message.usage().totalTokens()).isEqualTo(8);
      assertThat(message.failed()).isFalse();
    }
  }

  @Test
  void completeSendsANonStreamingRequestAsSuch() throws Exception {
    String body = """
        {"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"gpt-x",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":2,"completion_tokens":2,"total_tokens":4}}""";
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(200, body));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build()) {
      FinalMessage message = client.complete(Fixtures.hello().withStream(false));
      assertThat(message.text()).isEqualTo("Hi there");
      assertThat(server.received.get(0).body()).doesNotContain("\"stream\":true");
      assertThat(server.received.get(0).headers().getFirst("accept")).isEqualTo("application/json");
    }
  }

  @Test
  void requestIdHeaderReachesResponseStarted() throws Exception {
    Answer answer = new Answer(200,
        Map.of("content-type", "text/event-stream; charset=utf-8", "x-request-id", "req_42"),
        Fixtures.CHAT_HELLO.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (LoopbackHttp server = new LoopbackHttp(answer);
        SluiceClient client = Fixtures.chat(server.baseUrl()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      assertThat(((ResponseStarted) events.iterator().next()).requestId()).isEqualTo("req_42");
    }
  }

  @Test
  void aListenerReceivesEveryEventThenTheTerminal() throws Exception {
    List<StreamEvent> seen = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      events.listen(event -> {
        seen.add(event);
        if (event instanceof StreamEvent.Terminal) {
          done.countDown();
        }
      });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen.get(seen.size() - 1)).isInstanceOf(Done.class);
    }
  }

  @Test
  void aPublisherDeliversOnlyWhatWasRequested() throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      many.append(Fixtures.chatDelta("t" + i));
    }
    many.append("data: [DONE]\n\n");
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(many.toString()));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      List<StreamEvent> seen = new CopyOnWriteArrayList<>();
      CountDownLatch three = new CountDownLatch(3);
      CountDownLatch completed = new CountDownLatch(1);
      Flow.Subscription[] subscription = new Flow.Subscription[1];
      events.subscribe(new Flow.Subscriber<StreamEvent>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription[0] = s;
          s.request(3);
        }

        @Override
        public void onNext(StreamEvent item) {
          seen.add(item);
          three.countDown();
        }

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {
          completed.countDown();
        }
      });
      assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
      // Demand is 0 now: a request of 1 more brings exactly one more.
      assertThat(seen).hasSize(3);
      subscription[0].request(Long.MAX_VALUE);
      assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen.get(seen.size() - 1)).isInstanceOf(Done.class);
      assertThat(seen.stream().filter(e -> e instanceof TextDelta)).hasSize(200);
    }
  }

  @Test
  void anEventStreamIsConsumedOnce() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      events.iterator();
      assertThatThrownBy(events::iterator).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void connectionsArePooledAcrossCalls() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build()) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        texts.add(client.complete(Fixtures.hello()).text());
      }
      assertThat(texts).containsOnly("Hello, world");
      assertThat(server.requests()).isEqualTo(3);
      // One client port for all three: the same connection was reused.
      assertThat(server.received.stream().map(LoopbackHttp.Received::clientPort).distinct())
          .hasSize(1);
    }
  }

  @Test
  void streamsFromTheStreamView() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      String text = events.stream().filter(e -> e instanceof TextDelta)
          .map(e -> ((TextDelta) e).text()).collect(Collectors.joining());
      assertThat(text).isEqualTo("Hello, world");
    }
  }
}
