package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.LoopbackHttp.Answer;
import io.sluice.core.event.Failed;
import org.junit.jupiter.api.Test;

/** text() and finishOrThrow(): a whole answer or an exception, never half an answer. */
class TextTest {

  @Test
  void textReturnsTheAnswerOfAStreamThatEndedWell() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build()) {
      assertThat(client.stream(Fixtures.hello()).text()).isEqualTo("Hello, world");
    }
  }

  @Test
  void textThrowsTheFailedEventOfATruncatedStreamWithWhatCameBeforeIt() throws Exception {
    String cut = Fixtures.chatDelta("Hello") + Fixtures.chatDelta(", wor");
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(cut));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build()) {
      assertThatThrownBy(() -> client.stream(Fixtures.hello()).text())
          .isInstanceOfSatisfying(StreamFailedException.class, e -> {
            assertThat(e.failed().type()).isEqualTo(Failed.TRUNCATED);
            assertThat(e.retryable()).isTrue();
            assertThat(e.partial().text()).isEqualTo("Hello, wor");
            assertThat(e.getMessage()).contains("stream_truncated");
          });
    }
  }

  @Test
  void finishOrThrowThrowsAnInStreamError() throws Exception {
    String stream = "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n";
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(stream));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build()) {
      assertThatThrownBy(() -> client.stream(Fixtures.hello()).finishOrThrow())
          .isInstanceOfSatisfying(StreamFailedException.class,
              e -> assertThat(e.failed().message()).contains("boom"));
    }
  }

  @Test
  void finishOrThrowReturnsTheMessageOfAStreamThatEndedWell() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build()) {
      assertThat(client.stream(Fixtures.hello()).finishOrThrow().usage().totalTokens())
          .isEqualTo(8);
    }
  }
}
