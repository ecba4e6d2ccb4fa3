package io.sluice.core.internal.codec.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.message.Part;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.JsonTree;
import io.sluice.core.testing.SharedCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Chat Completions stream of the shared corpus (INDEX.md, "OpenAI Chat Completions chunks"
 * and "Mistral chat chunks") decodes at several chunkings to a grammatical sequence that assembles
 * to what {@code _expected/**.assembled.json} holds.
 *
 * <p>Left out: {@code vercel-ai/openai-completion/} is the legacy {@code /v1/completions} format
 * ({@code choices[].text}, no {@code delta}), which sluice does not speak; and
 * {@code openai-chat--should-handle-unparsable-stream-parts.sse} has no expected file: it is
 * checked in {@link #unparsableChunkFailsAsMalformed}.
 */
class ChatCorpusTest {

  static Stream<String> streams() {
    return Stream.of(
        "openai-python/173417d553406f034f643e5db3f8d591fb691ebac56f5ae39a22cc7d455c5353.bin",
        "openai-python/2018feb66ae13fcf5333d61b95849decc68d3f63bd38172889367e1afb1e04f7.bin",
        "openai-python/4cc50a6135d254573a502310e6af1246f55edb6ad95fa24059f160996b68866d.bin",
        "openai-python/569c877e69429d4cbc1577d2cd6dd33878095c68badc6b6654a69769b391a1c1.bin",
        "openai-python/7e5ea4d12e7cc064399b6631415e65923f182256b6e6b752950a3aaa2ad2320a.bin",
        "openai-python/83b060bae42eb41c4f1edbb7c1542b954b37d9dfd1910b964ddebc9677e6ae85.bin",
        "openai-python/a247c49c5fcd492bfb7a02a3306ad615ed8d8f649888ebfddfbc3ee151f44d46.bin",
        "openai-python/a491adda08c3d4fde95f5b2ee3f60f7f745f1a56d82e62f58031cc2add502380.bin",
        "openai-python/c6aa7e397b7123c3501f25df3a05d4daf7e8ad6d61ffa406ab5361fe36a8d5b1.bin",
        "openai-python/d615580118391ee13492193e3a8bb74642d23ac1ca13fe37cb6e889b66f759f6.bin",
        "openai-python/e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin",
        "openai-python/f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin",
        "openai-node/ChatCompletionStream.stream-emits-content-logprobs-events-1.sse",
        "openai-node/ChatCompletionStream.stream-emits-refusal-logprobs-events-1.sse",
        "openai-node/ChatCompletionStream.stream-is-robust-against-leading-newline-chunks-1.sse",
        "openai-node/ChatCompletionStream.stream-works-1.sse",
        "vercel-ai/openai-chat/azure-model-router.1.chunks.txt",
        "vercel-ai/openai-chat/openai-text.chunks.txt",
        "vercel-ai/openai-compatible-chat/anthropic-fallback-tool-call.sse",
        "vercel-ai/openai-compatible-chat/xai-text.chunks.txt",
        "vercel-ai/openai-compatible-chat/xai-tool-call.chunks.txt",
        "vercel-ai/mistral/mistral-incremental-tool-call.chunks.txt",
        "vercel-ai/mistral/mistral-reasoning.chunks.txt",
        "vercel-ai/mistral/mistral-text.chunks.txt",
        "vercel-ai/mistral/mistral-tool-call.chunks.txt",
        "vercel-ai/azure-responses/azure-deepseek-reasoning.1.chunks.txt",
        "vercel-ai/inline-test-streams/mistral/mistral--should-stream-raw-chunks.sse",
        "vercel-ai/inline-test-streams/mistral/mistral--should-stream-text-with-content-objects.sse",
        inline("should-forward-error-stream-parts-after-output-has-started"),
        inline("should-not-duplicate-tool-calls-when-there-is-an-additional-empty-chunk-after"
            + "-the-tool-cal"),
        inline("should-not-finalize-tool-call-early-when-partial-json-is-coincidentally-parsable"),
        inline("should-preserve-numeric-status-codes-from-early-stream-errors"),
        inline("should-stream-annotations-citations"),
        inline("should-stream-text-after-azure-content-filter-chunks"),
        inline("should-stream-tool-call-deltas-when-tool-call-arguments-are-passed-in-the-first"
            + "-chunk"),
        inline("should-stream-tool-call-that-is-sent-in-one-chunk"),
        inline("should-stream-tool-call-with-missing-type-field-azure-ai-foundry-mistral"),
        inline("should-stream-tool-deltas"),
        inline("should-throw-an-api-error-when-the-first-stream-chunk-is-an-error"));
  }

  private static String inline(String name) {
    return "vercel-ai/inline-test-streams/openai-chat/openai-chat--" + name + ".sse";
  }

  /** The stream's bytes as a client would receive them. */
  static byte[] wire(String file) throws IOException {
    Path path = SharedCorpus.require("corpus/" + file);
    return file.endsWith(".chunks.txt") ? ChatStreams.replayChunks(path)
        : Files.readAllBytes(path);
  }

  static List<StreamEvent> decode(String file) throws IOException {
    byte[] wire = wire(file);
    return ChatStreams.decode(wire, Chunkings.of(wire, 0, 5));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streams")
  void assemblesToTheExpectedMessage(String file) throws IOException {
    List<StreamEvent> events = decode(file);
    FinalMessage actual = MessageAccumulator.assemble(events);
    Map<String, Object> expected = JsonTree.object(Files.readString(
        SharedCorpus.require("corpus/_expected/" + file + ".assembled.json")));

    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) expected.get("meta");
    assertThat(actual.id()).isEqualTo(meta.getOrDefault("id", ""));
    assertThat(actual.model()).isEqualTo(meta.getOrDefault("model", ""));

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> errors = (List<Map<String, Object>>) expected.get("errors");
    if (errors.isEmpty()) {
      // Also for anthropic-fallback-tool-call.sse, which ends "data: [DONE]\n" with no blank line: the reader reports that
      // event as unterminated (WHATWG never dispatches it), and a complete [DONE] ends the stream.
      assertThat(actual.failed()).as("outcome %s", actual.outcome()).isFalse();
    } else {
      Failed failed = actual.error().orElseThrow();
      Map<String, Object> error = errors.get(0);
      assertThat(failed.type()).isEqualTo(error.get("type"));
      assertThat(failed.message()).isEqualTo(error.get("message"));
      assertThat(failed.code()).isEqualTo(error.get("code") == null ? "" : "" + error.get("code"));
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> choices = (List<Map<String, Object>>) expected.get("choices");
    if (choices.isEmpty()) {
      assertThat(actual.message().parts()).isEmpty();
    }
    for (Map<String, Object> choice : choices) {
      int index = ((Long) choice.get("index")).intValue();
      FinalMessage.Choice ours = actual.choices().stream().filter(c -> c.index() == index)
          .findFirst().orElseThrow();
      assertChoice(ours, choice, actual);
    }
    assertUsage(actual, expected.get("usage"));
  }

  @SuppressWarnings("unchecked")
  private static void assertChoice(FinalMessage.Choice ours, Map<String, Object> expected,
      FinalMessage actual) {
    Message m = ours.message();
    assertThat(m.text()).isEqualTo(orEmpty(expected.get("content")));
    assertThat(m.refusal()).isEqualTo(orEmpty(expected.get("refusal")));
    assertThat(m.reasoning()).isEqualTo(orEmpty(expected.get("reasoning")));
    if (expected.get("finish_reason") == null && actual.outcome() instanceof Done) {
      // A choice without a finish_reason of its own (choice 1 of the annotations stream) takes
      // the stream's: the accumulator's rule, where the reference keeps null.
      assertThat(ours.rawFinishReason()).isEqualTo(((Done) actual.outcome()).rawReason());
    } else {
      assertThat(ours.rawFinishReason()).isEqualTo(orEmpty(expected.get("finish_reason")));
    }
    List<Map<String, Object>> calls = (List<Map<String, Object>>) expected.get("tool_calls");
    List<Part.ToolCall> ourCalls = m.toolCalls();
    assertThat(ourCalls).hasSize(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      Map<String, Object> call = calls.get(i);
      assertThat(ourCalls.get(i)).isEqualTo(Part.ToolCall.function(orEmpty(call.get("id")),
          orEmpty(call.get("name")), orEmpty(call.get("arguments"))));
      assertThat(ourCalls.get(i).argumentsValid()).isEqualTo(call.get("arguments_valid_json"));
    }
  }

  @SuppressWarnings("unchecked")
  private static void assertUsage(FinalMessage actual, Object expectedUsage) {
    if (expectedUsage == null) {
      assertThat(actual.usage()).isEqualTo(io.sluice.core.event.Usage.ZERO);
      return;
    }
    Map<String, Object> usage = (Map<String, Object>) expectedUsage;
    assertThat(actual.usage().inputTokens()).isEqualTo(usage.get("prompt_tokens"));
    assertThat(actual.usage().outputTokens()).isEqualTo(usage.get("completion_tokens"));
    assertThat(actual.usage().totalTokens()).isEqualTo(usage.get("total_tokens"));
    Map<String, Object> prompt = (Map<String, Object>) usage.get("prompt_tokens_details");
    assertThat(actual.usage().cacheReadTokens())
        .isEqualTo(prompt == null ? 0L : prompt.getOrDefault("cached_tokens", 0L));
    Map<String, Object> completion = (Map<String, Object>) usage.get("completion_tokens_details");
    assertThat(actual.usage().reasoningTokens())
        .isEqualTo(completion == null ? 0L : completion.getOrDefault("reasoning_tokens", 0L));
  }

  private static String orEmpty(Object value) {
    return value == null ? "" : (String) value;
  }

  @org.junit.jupiter.api.Test
  void unparsableChunkFailsAsMalformed() throws IOException {
    List<StreamEvent> events = decode(inline("should-handle-unparsable-stream-parts"));
    assertThat(events).singleElement().isInstanceOfSatisfying(Failed.class,
        f -> assertThat(f.message()).contains("{unparsable}"));
  }

  @org.junit.jupiter.api.Test
  void everyStreamIsValidUtf8Text() throws IOException {
    // Guards the replay: a corpus file read with the wrong charset would fail far less clearly.
    for (String file : streams().toList()) {
      String text = new String(wire(file), StandardCharsets.UTF_8);
      assertThat(text).as(file).doesNotContain("\uFFFD");
    }
  }
}
