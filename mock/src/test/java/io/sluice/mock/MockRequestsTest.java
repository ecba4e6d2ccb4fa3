package io.sluice.mock;

import static io.sluice.mock.MockHttp.assumeCodec;
import static io.sluice.mock.MockHttp.body;
import static io.sluice.mock.MockHttp.path;
import static io.sluice.mock.MockHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.message.FinalMessage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Non-streaming answers, refused requests and the other routes. */
class MockRequestsTest {
  private static final List<String> LOG = new CopyOnWriteArrayList<>();
  private static MockProvider mock;

  @BeforeAll
  static void start() {
    mock = MockProvider.start(MockOptions.defaults().withRequestLog(LOG::add));
  }

  @AfterAll
  static void stop() {
    mock.close();
  }

  @Test
  void listensOnLoopbackAndNamesItsBaseUrl() {
    assertThat(mock.baseUrl()).isEqualTo("http://127.0.0.1:" + mock.port() + "/v1");
    assertThat(mock.port()).isPositive();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void answersANonStreamingRequestWithTheFormatsBody(WireFormat format) {
    assumeCodec(format);
    MockHttp.Answer answer = post(mock, path(format), body(format, false, false), "tokens=9");

    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    FinalMessage message = WireCodec.of(format).decodeResponse(answer.body());
    assertThat(message.text().split(" ")).hasSize(9);
    assertThat(message.usage().outputTokens()).isEqualTo(9);
    assertThat(message.failed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void answersANonStreamingToolCall(WireFormat format) {
    assumeCodec(format);
    MockHttp.Answer answer = post(mock, path(format), body(format, false, true), "tools=1");

    FinalMessage message = WireCodec.of(format).decodeResponse(answer.body());
    assertThat(message.message().toolCalls()).hasSize(1);
    MockStreamingTest.assertFitsWeatherSchema(message.message().toolCalls().get(0).arguments());
    assertThat(message.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void refusesABadHeaderWith400InTheFormatsErrorShape(WireFormat format) {
    assumeCodec(format);
    MockHttp.Answer answer = post(mock, path(format), body(format, true, false), "tokns=5");

    assertThat(answer.status()).isEqualTo(400);
    Failed failed = WireCodec.of(format).decodeError(400, answer.body());
    assertThat(failed.message()).contains("unknown key \"tokns\"");
    assertThat(failed.type()).isEqualTo("invalid_request_error");
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void refusesABadBodyWith400InTheFormatsErrorShape(WireFormat format) {
    assumeCodec(format);
    MockHttp.Answer answer = post(mock, path(format), "{\"model\": ", "");

    assertThat(answer.status()).isEqualTo(400);
    Failed failed = WireCodec.of(format).decodeError(400, answer.body());
    assertThat(failed.type()).isEqualTo("invalid_request_error");
    assertThat(failed.message()).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void refusesToolCallsWhenTheRequestDeclaresNoTools(WireFormat format) {
    assumeCodec(format);
    MockHttp.Answer answer = post(mock, path(format), body(format, true, false), "tools=1");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(WireCodec.of(format).decodeError(400, answer.body()).message())
        .contains("declares no tools");
  }

  @Test
  void servesTheSameRoutesWithoutTheV1Prefix() {
    assumeCodec(WireFormat.OPENAI_CHAT);
    MockHttp.Answer answer = post(mock, "/chat/completions",
        body(WireFormat.OPENAI_CHAT, false, false), "");

    assertThat(answer.status()).isEqualTo(200);
  }

  @Test
  void answersHealthChecks() {
    MockHttp.Answer answer = MockHttp.get(mock, "/healthz");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(new JsonObject(answer.text()).getString("status")).isEqualTo("ok");
  }

  @Test
  void listsOneModelInAShapeBothSdksRead() {
    JsonObject models = new JsonObject(MockHttp.get(mock, "/v1/models").text());

    assertThat(models.getString("object")).isEqualTo("list");
    assertThat(models.getJsonArray("data").getJsonObject(0).getString("id"))
        .isEqualTo("sluice-mock");
  }

  @Test
  void answersAnUnknownRouteWith404() {
    assertThat(MockHttp.get(mock, "/v1/embeddings").status()).isEqualTo(404);
  }

  @Test
  void answersAWrongMethodWith405() {
    MockHttp.Answer answer = MockHttp.get(mock, "/v1/chat/completions");

    assertThat(answer.status()).isEqualTo(405);
    assertThat(answer.header("Allow")).isEqualTo("POST");
  }

  @Test
  void logsOneLinePerRequestWithTheBehaviourHeader() {
    assumeCodec(WireFormat.OPENAI_CHAT);
    post(mock, path(WireFormat.OPENAI_CHAT), body(WireFormat.OPENAI_CHAT, true, false),
        "tokens=2, id=logged");

    assertThat(LOG).anyMatch(line -> line.startsWith("POST /v1/chat/completions 200 ")
        && line.endsWith("x-sluice-mock: tokens=2, id=logged"));
  }
}
