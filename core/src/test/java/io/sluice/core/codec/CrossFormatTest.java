package io.sluice.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.message.Part;
import io.sluice.core.sse.SseReader;
import io.sluice.core.sse.SseWriter;
import io.sluice.core.testing.EventGrammar;
import io.sluice.core.testing.SharedCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Translation: an OpenAI Chat stream re-encoded as Anthropic Messages and as OpenAI Responses, and
 * decoded again, keeps its text, reasoning, tool calls, usage and finish reason.
 */
class CrossFormatTest {

  /** Reasoning (DeepSeek style), text, two parallel tool calls, usage with cache and reasoning. */
  private static final String CHAT_STREAM = """
      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning_content":"Let me "},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"reasoning_content":"think."},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"content":"Checking "},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"content":"both.é"},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"weather","arguments":""}}]},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\": \\"Paris\\"}"}}]},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"stock","arguments":"{\\"ticker\\":"}}]},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":" \\"AAPL\\"}"}}]},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":40,"total_tokens":160,"prompt_tokens_details":{"cached_tokens":100},"completion_tokens_details":{"reasoning_tokens":12}}}

      data: [DONE]

      """;

  @Test
  void chatToAnthropicKeepsEverything() {
    assertSurvives(decode(WireCodec.openAiChat(ChatDialect.OPENAI), utf8(CHAT_STREAM)),
        WireCodec.anthropic());
  }

  @Test
  void chatToResponsesKeepsEverything() {
    assertSurvives(decode(WireCodec.openAiChat(ChatDialect.OPENAI), utf8(CHAT_STREAM)),
        WireCodec.openAiResponses());
  }

  @Test
  void anthropicToChatAndBackKeepsEverything() {
    List<StreamEvent> chat = decode(WireCodec.openAiChat(ChatDialect.OPENAI), utf8(CHAT_STREAM));
    List<StreamEvent> anthropic = reencode(chat, WireCodec.anthropic());
    assertSurvives(anthropic, WireCodec.openAiChat(ChatDialect.OPENAI));
  }

  @TestFactory
  Stream<DynamicTest> everyCompleteCorpusChatStreamSurvivesTranslation() throws IOException {
    Path root = SharedCorpus.require("corpus/openai-python");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(root)) {
      list.filter(p -> p.toString().endsWith(".bin")).sorted().forEach(files::add);
    }
    return files.stream().flatMap(file -> Stream.of(WireCodec.anthropic(),
            WireCodec.openAiResponses())
        .map(target -> DynamicTest.dynamicTest(file.getFileName() + " -> " + target.format(),
            () -> {
              List<StreamEvent> events =
                  decode(WireCodec.openAiChat(ChatDialect.OPENAI), Files.readAllBytes(file));
              FinalMessage source = MessageAccumulator.assemble(events);
              if (source.failed() || source.choices().size() > 1) {
                return; // Translation carries one complete choice; n > 1 has no Anthropic form.
              }
              assertSurvives(events, target);
            })));
  }

  private static void assertSurvives(List<StreamEvent> source, WireCodec target) {
    EventGrammar.check(source);
    List<StreamEvent> translated = reencode(source, target);
    EventGrammar.check(translated);
    FinalMessage before = MessageAccumulator.assemble(source);
    FinalMessage after = MessageAccumulator.assemble(translated);
    assertThat(after.failed()).as("translated stream failed: %s", after.error()).isFalse();
    if (target.format() == WireFormat.ANTHROPIC_MESSAGES) {
      // Anthropic has no refusal block: a refusal travels as text.
      assertThat(after.text()).isEqualTo(before.text() + before.message().refusal());
    } else {
      assertThat(after.text()).isEqualTo(before.text());
      assertThat(after.message().refusal()).isEqualTo(before.message().refusal());
    }
    assertThat(after.message().reasoning()).isEqualTo(before.message().reasoning());
    assertThat(after.message().toolCalls()).extracting(Part.ToolCall::id, Part.ToolCall::name,
            Part.ToolCall::arguments)
        .containsExactlyElementsOf(before.message().toolCalls().stream()
            .map(c -> org.assertj.core.groups.Tuple.tuple(c.id(), c.name(), c.arguments()))
            .toList());
    assertThat(after.choices().get(0).finishReason())
        .isEqualTo(before.choices().get(0).finishReason());
    assertThat(after.usage().inputTokens()).isEqualTo(before.usage().inputTokens());
    assertThat(after.usage().outputTokens()).isEqualTo(before.usage().outputTokens());
    assertThat(after.usage().cacheReadTokens()).isEqualTo(before.usage().cacheReadTokens());
    assertThat(after.id()).isEqualTo(before.id());
    assertThat(after.model()).isEqualTo(before.model());
  }

  private static List<StreamEvent> reencode(List<StreamEvent> events, WireCodec target) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    StreamEncoder encoder = target.encoder(SseWriter.create(wire::write));
    events.forEach(encoder::encode);
    return decode(target, wire.toByteArray());
  }

  private static List<StreamEvent> decode(WireCodec codec, byte[] wire) {
    List<StreamEvent> events = new ArrayList<>();
    SseReader reader = SseReader.create(codec.decoder(events::add));
    reader.feed(wire);
    reader.end();
    return events;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
