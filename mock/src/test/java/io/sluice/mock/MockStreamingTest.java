package io.sluice.mock;

import io.sluice.core.testing.EventGrammar;
import static io.sluice.mock.MockHttp.assumeCodec;
import static io.sluice.mock.MockHttp.body;
import static io.sluice.mock.MockHttp.path;
import static io.sluice.mock.MockHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Done;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Part;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Streams in each wire format, read back with the core decoders. */
class MockStreamingTest {
  private static MockProvider mock;

  @BeforeAll
  static void start() {
    mock = MockProvider.start(MockOptions.defaults());
  }

  @AfterAll
  static void stop() {
    mock.close();
  }

  private static List<StreamEvent> stream(WireFormat format, boolean tool, String behaviour) {
    assumeCodec(format);
    MockHttp.Answer answer = post(mock, path(format), body(format, true, tool), behaviour);
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).startsWith("text/event-stream");
    assertThat(answer.header("Cache-Control")).isEqualTo("no-cache");
    List<StreamEvent> events = MockHttp.events(format, answer.body());
    EventGrammar.check(events);
    return events;
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void streamsTheAskedNumberOfWordsOneTokenPerDelta(WireFormat format) {
    List<StreamEvent> events = stream(format, false, "tokens=12");
    FinalMessage message = MockHttp.assemble(events);

    assertThat(message.text().split(" ")).hasSize(12);
    assertThat(events.stream().filter(TextDelta.class::isInstance)).hasSize(12);
    assertThat(message.outcome()).isInstanceOf(Done.class);
    assertThat(((Done) message.outcome()).reason()).isEqualTo(FinishReason.STOP);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void streamsTwentyWordsByDefault(WireFormat format) {
    FinalMessage message = MockHttp.assemble(stream(format, false, ""));

    assertThat(message.text().split(" ")).hasSize(20);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void answersTheSameRequestWithTheSameText(WireFormat format) {
    String first = MockHttp.assemble(stream(format, false, "")).text();
    String second = MockHttp.assemble(stream(format, false, "")).text();

    assertThat(second).isEqualTo(first);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void callsTheFirstToolWithArgumentsThatFitItsSchema(WireFormat format) {
    FinalMessage message = MockHttp.assemble(stream(format, true, "tools=1, tokens=3"));

    assertThat(message.message().toolCalls()).hasSize(1);
    Part.ToolCall call = message.message().toolCalls().get(0);
    assertThat(call.name()).isEqualTo("weather");
    assertThat(call.id()).isNotEmpty();
    assertFitsWeatherSchema(call.arguments());
    assertThat(message.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void reportsUsageCountingTheGeneratedTokens(WireFormat format) {
    FinalMessage message = MockHttp.assemble(stream(format, false, "tokens=7, usage=on"));

    assertThat(message.usage().outputTokens()).isEqualTo(7);
    assertThat(message.usage().inputTokens()).isPositive();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void leavesUsageOutWhenAskedTo(WireFormat format) {
    FinalMessage message = MockHttp.assemble(stream(format, false, "tokens=7, usage=off"));

    assertThat(message.usage().outputTokens()).isZero();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void streamsReasoningBeforeTheText(WireFormat format) {
    FinalMessage message = MockHttp.assemble(stream(format, false, "reasoning=5, tokens=4"));

    assertThat(message.message().reasoning().split(" ")).hasSize(5);
    assertThat(message.message().parts().get(0)).isInstanceOf(Part.Reasoning.class);
    assertThat(message.text().split(" ")).hasSize(4);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void stopsAtTheRequestsTokenLimitWithFinishReasonLength(WireFormat format) {
    assumeCodec(format);
    String body = body(format, true, false).replace("\"stream\":true",
        "\"stream\":true," + (format == WireFormat.OPENAI_CHAT ? "\"max_completion_tokens\":5"
            : format == WireFormat.OPENAI_RESPONSES ? "\"max_output_tokens\":5" : "\"x\":1"))
        .replace("\"max_tokens\":1000", "\"max_tokens\":5");
    MockHttp.Answer answer = post(mock, path(format), body, "tokens=30");
    FinalMessage message = MockHttp.assemble(MockHttp.events(format, answer.body()));

    assertThat(message.text().split(" ")).hasSize(5);
    assertThat(message.choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
  }

  @org.junit.jupiter.api.Test
  void chatStreamReportsUsageOnlyWhenTheRequestAsksForIt() {
    assumeCodec(WireFormat.OPENAI_CHAT);
    String withoutOptions = body(WireFormat.OPENAI_CHAT, true, false)
        .replace(",\"stream_options\":{\"include_usage\":true}", "");
    MockHttp.Answer answer = post(mock, path(WireFormat.OPENAI_CHAT), withoutOptions, "");

    assertThat(answer.text()).doesNotContain("\"usage\"");
    assertThat(MockHttp.assemble(MockHttp.events(WireFormat.OPENAI_CHAT, answer.body()))
        .usage().outputTokens()).isZero();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void streamsALongAnswerWholeThroughTheWriteQueue(WireFormat format) {
    assumeCodec(format);
    String body = body(format, true, false)
        .replace("\"max_tokens\":1000", "\"max_tokens\":50000");
    // Far more than a write queue holds: the player must wait for drain and lose nothing.
    MockHttp.Answer answer = post(mock, path(format), body, "tokens=20000");
    FinalMessage message = MockHttp.assemble(MockHttp.events(format, answer.body()));

    assertThat(message.text().split(" ")).hasSize(20000);
  }

  static void assertFitsWeatherSchema(String arguments) {
    JsonObject args = new JsonObject(arguments);
    assertThat(args.fieldNames())
        .containsExactlyInAnyOrder("city", "units", "days", "detailed", "tags", "where");
    assertThat(args.getValue("city")).isInstanceOf(String.class);
    assertThat(args.getString("units")).isIn("c", "f");
    assertThat(args.getValue("days")).isInstanceOfAny(Integer.class, Long.class);
    assertThat(args.getInteger("days")).isBetween(1, 7);
    assertThat(args.getValue("detailed")).isInstanceOf(Boolean.class);
    JsonArray tags = args.getJsonArray("tags");
    assertThat(tags).isNotEmpty().allMatch(String.class::isInstance);
    JsonObject where = args.getJsonObject("where");
    assertThat(where.getValue("lat")).isInstanceOf(Number.class);
    assertThat(where.getValue("lon")).isInstanceOf(Number.class);
  }
}
