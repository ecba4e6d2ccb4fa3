package io.sluice.client.ws;

import static io.sluice.client.ws.WsFixtures.assemble;
import static io.sluice.client.ws.WsFixtures.drain;
import static io.sluice.client.ws.WsFixtures.request;
import static io.sluice.client.ws.WsFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.ClientException;
import io.sluice.client.SluiceClient;
import io.sluice.core.event.Done;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.GenerationOptions;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.ToolChoice;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Turns over the session's WebSocket: what goes out, what comes back, what is remembered. */
@Timeout(30)
class SessionTurnsTest {
  private ResponsesUpstream upstream;
  private SluiceClient http;
  private ResponsesSessions sessions;

  @BeforeEach
  void setUp() throws Exception {
    upstream = new ResponsesUpstream();
    http = WsFixtures.http(upstream);
    sessions = ResponsesSessions.builder(http).transport(Transport.WEBSOCKET).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    sessions.close();
    http.close();
    upstream.close();
  }

  @Test
  void aTurnStreamsOverTheWebSocketAndDecodesLikeSse() {
    List<StreamEvent> events = drain(sessions.stream("s", request(start("hello")).build()));

    assertThat(events.get(0)).isEqualTo(new ResponseStarted("resp_1", "gpt-test", 1, ""));
    assertThat(events.get(events.size() - 1)).isInstanceOf(Done.class);
    assertThat(assemble(events).text()).isEqualTo("echo(1): hello");
    assertThat(upstream.posts).isEmpty();
    assertThat(upstream.authorizations).containsExactly("Bearer sk-test-secret");
    assertThat(upstream.violations).isEmpty();
  }

  @Test
  void theSameRequestGivesTheSameEventsOverSseAndWebSocket() {
    ChatRequest r = request(start("hello")).build();
    List<StreamEvent> ws = drain(sessions.stream("s", r));
    List<StreamEvent> sse = drain(sessions.stream("s", r, Transport.SSE));

    // Only the response id differs: each answer is a new response.
    assertThat(sse.subList(1, sse.size())).isEqualTo(ws.subList(1, ws.size()));
  }

  @Test
  void theCreateMessageHoldsTheHttpBodyFieldsWithoutStream() {
    ChatRequest r = request(start("hello"))
        .options(GenerationOptions.builder().temperature(0.25).topP(0.5).maxTokens(77)
            .toolChoice(ToolChoice.tool("lookup")).reasoningEffort("low").build())
        .extra("store", "false").extra("metadata", "{\"k\":\"v\"}").build();
    drain(sessions.stream("s", r));
    drain(sessions.stream("s", r, Transport.SSE));

    JsonObject ws = upstream.creates.get(0).message().copy();
    JsonObject post = upstream.posts.get(0).copy();
    assertThat(ws.remove("type")).isEqualTo("response.create");
    assertThat(post.remove("stream")).isEqualTo(true);
    assertThat(ws).isEqualTo(post);
  }

  @Test
  void oneConnectionCarriesEveryTurnOfASession() {
    List<Message> m = start("one");
    for (int turn = 0; turn < 3; turn++) {
      FinalMessage answer = sessions.stream("s", request(m).build()).finish();
      m.add(answer.message());
      m.add(Message.user("again " + turn));
    }
    assertThat(upstream.connectionsOpened).hasValue(1);
    assertThat(upstream.creates).extracting(ResponsesUpstream.Create::connection)
        .containsOnly(1);
  }

  @Test
  void theNextTurnSendsThePreviousResponseIdAndOnlyTheToolResult() {
    List<Message> m = start("tool please");
    FinalMessage first = sessions.stream("s", request(m).build()).finish();
    Part.ToolCall call = first.message().toolCalls().get(0);
    m.add(first.message());
    m.add(Message.toolResult(call.id(), "42"));

    FinalMessage second = sessions.stream("s", request(m).build()).finish();

    ResponsesUpstream.Create create = upstream.lastCreate();
    assertThat(create.message().getString("previous_response_id")).isEqualTo(first.id());
    assertThat(create.message().getString("instructions")).isEqualTo("Be brief.");
    assertThat(create.input().encode()).isEqualTo(
        "[{\"type\":\"function_call_output\",\"call_id\":\"" + call.id() + "\",\"output\":\"42\"}]");
    assertThat(second.failed()).isFalse();
  }

  @Test
  void aNewUserMessageIsAllThatGoesOutAfterATextAnswer() {
    List<Message> m = start("hello");
    FinalMessage first = sessions.stream("s", request(m).build()).finish();
    m.add(first.message());
    m.add(Message.user("more"));

    FinalMessage second = sessions.stream("s", request(m).build()).finish();

    assertThat(upstream.lastCreate().input().size()).isEqualTo(1);
    // The model saw the whole conversation: user, answer, user.
    assertThat(second.text()).isEqualTo("echo(3): more");
  }

  @Test
  void withNothingNewTheFullContextIsSent() {
    ChatRequest r = request(start("hello")).build();
    drain(sessions.stream("s", r));
    drain(sessions.stream("s", r));

    assertThat(upstream.lastCreate().incremental()).isFalse();
    assertThat(upstream.lastCreate().input().size()).isEqualTo(1);
  }

  @Test
  void lostStateIsResentInFullOnceAndTheCallerSeesOneCleanTurn() {
    List<Message> m = start("hello");
    m.add(sessions.stream("s", request(m).build()).finish().message());
    m.add(Message.user("more"));
    upstream.loseState();

    List<StreamEvent> events = drain(sessions.stream("s", request(m).build()));

    List<ResponsesUpstream.Create> creates = upstream.creates;
    assertThat(creates).hasSize(3);
    assertThat(creates.get(1).incremental()).isTrue();
    assertThat(creates.get(2).incremental()).isFalse();
    assertThat(creates.get(2).input().size()).isEqualTo(3);
    assertThat(events).filteredOn(ResponseStarted.class::isInstance).hasSize(1);
    assertThat(assemble(events).text()).isEqualTo("echo(3): more");
  }

  @Test
  void responseDoneEndsATurnLikeResponseCompleted() {
    upstream.terminalAsDone = true;
    List<StreamEvent> events = drain(sessions.stream("s", request(start("hello")).build()));

    assertThat(events.get(events.size() - 1)).isInstanceOf(Done.class);
    assertThat(assemble(events).text()).isEqualTo("echo(1): hello");
  }

  @Test
  void aWarmUpSendsGenerateFalseOnceAndTheFirstTurnChainsFromIt() {
    try (ResponsesSessions warm = ResponsesSessions.builder(http).transport(Transport.WEBSOCKET)
        .warmUp(Duration.ofSeconds(5)).build()) {
      List<Message> m = start("hello");
      m.add(warm.stream("w", request(m).build()).finish().message());
      m.add(Message.user("more"));
      drain(warm.stream("w", request(m).build()));
    }
    List<ResponsesUpstream.Create> creates = upstream.creates;
    assertThat(creates).hasSize(3);
    JsonObject warmUp = creates.get(0).message();
    assertThat(warmUp.getBoolean("generate")).isFalse();
    assertThat(warmUp.getString("instructions")).isEqualTo("Be brief.");
    assertThat(warmUp.getJsonArray("tools")).hasSize(1);
    assertThat(warmUp.getJsonArray("input")).isEmpty();
    assertThat(creates.get(1).message().getString("previous_response_id")).isEqualTo("resp_1");
    assertThat(creates.get(1).input().size()).isEqualTo(1);
  }

  @Test
  void aWarmUpThatTimesOutIsSkippedAndTheTurnGoesOn() {
    upstream.silentWarmUp = true;
    try (ResponsesSessions warm = ResponsesSessions.builder(http).transport(Transport.WEBSOCKET)
        .warmUp(Duration.ofMillis(200)).build()) {
      FinalMessage answer = warm.stream("w", request(start("hello")).build()).finish();

      assertThat(answer.text()).isEqualTo("echo(1): hello");
      assertThat(upstream.lastCreate().incremental()).isFalse();
      assertThat(upstream.lastCreate().connection()).isEqualTo(2);
    }
  }

  @Test
  void aWarmUpThatFailsIsSkippedAndTheTurnGoesOnOnTheSameConnection() {
    upstream.failWarmUp = true;
    try (ResponsesSessions warm = ResponsesSessions.builder(http).transport(Transport.WEBSOCKET)
        .warmUp(Duration.ofSeconds(5)).build()) {
      FinalMessage answer = warm.stream("w", request(start("hello")).build()).finish();

      assertThat(answer.text()).isEqualTo("echo(1): hello");
      assertThat(upstream.creates).hasSize(2);
      assertThat(upstream.lastCreate().incremental()).isFalse();
      assertThat(upstream.lastCreate().connection()).isEqualTo(1);
    }
  }

  @Test
  void aTurnWithAnOptionResponsesCannotCarryIsRefusedBeforeAnythingIsSent() {
    ChatRequest r = request(start("hello"))
        .options(GenerationOptions.builder().seed(3).build()).build();

    assertThatThrownBy(() -> sessions.stream("s", r)).isInstanceOf(ClientException.class)
        .hasMessageContaining("seed");
    assertThat(upstream.connectionsOpened).hasValue(0);
    assertThat(upstream.creates).isEmpty();
  }
}
