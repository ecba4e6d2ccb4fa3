package io.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.client.StreamFailedException;
import io.sluice.core.event.Done;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class SluiceFluxTest {

  private final LinkedBlockingQueue<String> requestLog = new LinkedBlockingQueue<>();
  private MockProvider mock;
  private SluiceClient client;

  @BeforeEach
  void start() {
    mock = MockProvider.start(MockOptions.defaults().withRequestLog(requestLog::add));
  }

  @AfterEach
  void stop() {
    client.close();
    mock.close();
  }

  private SluiceClient client(String behaviour) {
    client = SluiceClient.create(ProviderSettings.builder(ProviderKind.OPENAI_CHAT)
        .baseUrl(mock.baseUrl()).apiKey("k").header(MockProvider.HEADER, behaviour).build());
    return client;
  }

  @Test
  void theFluxCarriesEveryEventAndEndsWithDone() {
    List<StreamEvent> events = SluiceFlux.events(client("tokens=4"),
        ChatRequest.builder("m").user("Hi").build()).collectList().block(Duration.ofSeconds(30));
    assertThat(events).last().isInstanceOf(Done.class);
  }

  @Test
  void textIsTheDeltasOfTheFirstChoice() {
    List<String> text = SluiceFlux.text(client("tokens=4"),
        ChatRequest.builder("m").user("Hi").build()).collectList().block(Duration.ofSeconds(30));
    assertThat(text).hasSize(4);
  }

  @Test
  void disposingOfTheSubscriptionClosesTheUpstream() throws Exception {
    // A million tokens at 20 a second outlast the test: the mock logs the request only because
    // its connection closed.
    StepVerifier.create(SluiceFlux.text(client("tps=20, tokens=1000000"),
            ChatRequest.builder("m").user("Hi").build()), 2)
        .expectNextCount(2)
        .thenCancel()
        .verify(Duration.ofSeconds(30));
    assertThat(requestLog.poll(30, TimeUnit.SECONDS)).contains("tokens=1000000");
  }

  @Test
  void aFailedStreamEndsTheTextWithAnError() {
    StepVerifier.create(SluiceFlux.text(client("tokens=40, fault=drop-after:3"),
            ChatRequest.builder("m").user("Hi").build()))
        .thenConsumeWhile(t -> true)
        .expectErrorSatisfies(e -> {
          assertThat(e).isInstanceOf(StreamFailedException.class);
          StreamFailedException failure = (StreamFailedException) e;
          assertThat(failure.failed().type()).isEqualTo("transport_error");
          assertThat(failure.partial().outcome()).isEqualTo(failure.failed());
        })
        .verify(Duration.ofSeconds(30));
  }
}
