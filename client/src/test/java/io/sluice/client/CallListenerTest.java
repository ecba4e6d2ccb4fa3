package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.LoopbackHttp.Answer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** What a CallListener hears under a stream, and what the client logs. */
class CallListenerTest {
  private static final String ERROR =
      "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}";
  private final Fixtures.RecordingDelayer delayer = new Fixtures.RecordingDelayer();
  private final List<CallSignal> heard = new CopyOnWriteArrayList<>();

  private SluiceClient client(String baseUrl) {
    return Fixtures.chat(baseUrl).delayer(delayer)
        .clock(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC))
        .random(() -> 0).listener(heard::add).build();
  }

  @Test
  void aRetriedStreamIsHeardInOrder() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(429, ERROR),
            Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = client(server.baseUrl())) {
      client.complete(Fixtures.hello());
    }
    List<Class<?>> kinds = heard.stream().<Class<?>>map(Object::getClass).toList();
    assertThat(kinds).startsWith(CallSignal.Started.class, CallSignal.AttemptStarted.class,
        CallSignal.AttemptEnded.class, CallSignal.RetryScheduled.class,
        CallSignal.AttemptStarted.class, CallSignal.AttemptEnded.class,
        CallSignal.FirstByte.class, CallSignal.FirstEvent.class);
    assertThat(kinds).endsWith(CallSignal.Ended.class);
    assertThat(heard.get(2)).isEqualTo(new CallSignal.AttemptEnded(heard.get(0).call(), 1, 429,
        "http_429"));
    assertThat(((CallSignal.RetryScheduled) heard.get(3)).reason()).isEqualTo("http_429");
    assertThat(((CallSignal.Ended) heard.get(heard.size() - 1)).outcome())
        .isEqualTo(CallSignal.Outcome.DONE);
  }

  @Test
  void aFailureIsHeardOnceAndLoggedWithoutTheKey() throws Exception {
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Logger jul = Logger.getLogger("io.sluice.client");
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    jul.addHandler(handler);
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(400,
            "{\"error\":{\"message\":\"bad key sk-test-secret-123456\",\"type\":\"invalid_request_error\"}}"));
        SluiceClient client = Fixtures.chat(server.baseUrl()).listener(heard::add).build()) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello()))
          .isInstanceOf(ApiException.class);
    } finally {
      jul.removeHandler(handler);
    }
    assertThat(heard).filteredOn(s -> s instanceof CallSignal.Ended).singleElement()
        .satisfies(s -> assertThat(((CallSignal.Ended) s).errorType()).isEqualTo("http_400"));
    assertThat(logged).anySatisfy(r -> assertThat(r.getMessage()).contains("failed (http_400)"));
    assertThat(logged).allSatisfy(r -> assertThat(r.getMessage()).doesNotContain(
        "sk-test-secret-123456"));
  }
}
