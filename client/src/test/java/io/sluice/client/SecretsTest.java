package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.LoopbackHttp.Answer;
import io.sluice.core.RetryPolicy;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API key never reaches an event or an exception, whatever the server says. */
class SecretsTest {
  private static final String KEY = "sk-test-secret-123456";

  @Test
  void anInStreamErrorThatRepeatsTheKeyHasItMasked() throws Exception {
    String stream = Fixtures.chatDelta("Hi")
        + "data: {\"error\":{\"message\":\"key " + KEY + " was revoked\",\"type\":\"server_error\"}}\n\n";
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(stream));
        SluiceClient client = Fixtures.chat(server.baseUrl()).retryPolicy(RetryPolicy.none())
            .build();
        EventStream events = client.stream(Fixtures.hello())) {
      List<StreamEvent> all = Fixtures.list(events);
      Failed failed = (Failed) all.get(all.size() - 1);
      assertThat(failed.message()).contains("was revoked").doesNotContain(KEY);
      assertThat(all.toString()).doesNotContain(KEY);
    }
  }

  @Test
  void anErrorStatusWithTheKeyInAHeaderLikeBodyHasItMasked() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(new Answer(403, java.util.Map.of(
            "content-type", "text/plain"),
            ("Authorization: Bearer " + KEY + " is not allowed").getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
        SluiceClient client = Fixtures.chat(server.baseUrl()).retryPolicy(RetryPolicy.none())
            .build()) {
      try {
        client.complete(Fixtures.hello());
        throw new AssertionError("expected an ApiException");
      } catch (ApiException e) {
        assertThat(e.getMessage()).doesNotContain(KEY);
        assertThat(e.providerMessage()).doesNotContain(KEY);
        assertThat(e.toString()).doesNotContain(KEY);
      }
    }
  }
}
