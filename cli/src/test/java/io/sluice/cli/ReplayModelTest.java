package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayModelTest {

  private static final String CHAT = """
      data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}

      data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}

      data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]},"finish_reason":null}]}

      data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

      data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}

      data: [DONE]

      """;

  private static final String ANTHROPIC_NO_EVENT_LINES = """
      data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[],"usage":{"input_tokens":4,"output_tokens":1}}}

      data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

      data: {"type":"content_block_stop","index":0}

      data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}

      """;

  @TempDir
  Path dir;

  private String file(String name, String content) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, content, StandardCharsets.UTF_8);
    return path.toString();
  }

  @Test
  void printsTheAssembledMessageWithExactlyTheDocumentedFields() throws IOException {
    CliRun run = CliRun.of("replay", "--json", file("chat.sse", CHAT));
    assertThat(run.status()).isZero();
    assertThat(run.out().strip()).isEqualTo("{\"text\":\"Hello\",\"reasoning\":\"\",\"refusal\":\"\","
        + "\"toolCalls\":[{\"id\":\"call_1\",\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}],"
        + "\"finishReason\":\"tool_calls\",\"rawFinishReason\":\"tool_calls\","
        + "\"usage\":{\"inputTokens\":5,\"outputTokens\":3,\"cacheReadTokens\":0,"
        + "\"cacheWriteTokens\":0,\"reasoningTokens\":0,\"totalTokens\":8},\"error\":null}");
  }

  @Test
  void printsModelEventsOnePerLine() throws IOException {
    CliRun run = CliRun.of("replay", "--events", "--format", "openai-chat", file("c.sse", CHAT));
    assertThat(run.status()).isZero();
    assertThat(run.out().lines().findFirst()).contains(
        "{\"type\":\"response_started\",\"id\":\"c1\",\"model\":\"m\",\"created\":1}");
    assertThat(run.out().lines().reduce((a, b) -> b))
        .contains("{\"type\":\"done\",\"finishReason\":\"tool_calls\",\"rawFinishReason\":\"tool_calls\"}");
  }

  @Test
  void printsTheTextByDefault() throws IOException {
    CliRun run = CliRun.of("replay", file("c.sse", CHAT));
    assertThat(run.status()).isZero();
    assertThat(run.out().strip()).isEqualTo("Hello");
  }

  @Test
  void detectsAnthropicWithoutEventLinesAndReportsTheMissingMessageStop() throws IOException {
    CliRun run = CliRun.of("replay", "--json", file("a.sse", ANTHROPIC_NO_EVENT_LINES));
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.out()).contains("\"text\":\"Hi\"", "\"type\":\"stream_truncated\"");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("sluice replay: stream_truncated:");
  }

  @Test
  void completeAnthropicStreamExitsZero() throws IOException {
    String complete = ANTHROPIC_NO_EVENT_LINES + "data: {\"type\":\"message_stop\"}\n\n";
    CliRun run = CliRun.of("replay", "--json", file("a.sse", complete));
    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("\"finishReason\":\"stop\"", "\"rawFinishReason\":\"end_turn\"");
  }

  @Test
  void readsOneJsonPayloadPerLine() throws IOException {
    String lines = CHAT.lines().filter(l -> l.startsWith("data: {"))
        .map(l -> l.substring(6)).reduce("", (a, b) -> a + b + "\n");
    CliRun run = CliRun.of("replay", "--json", file("chunks.txt", lines));
    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("\"text\":\"Hello\"");
  }

  @Test
  void malformedEventFailsWithAnExcerpt() throws IOException {
    String bad = CHAT.replace("\"content\":\"lo\"", "\"content\":lo");
    CliRun run = CliRun.of("replay", file("bad.sse", bad));
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).startsWith("sluice replay: malformed_event:");
  }
}
