package io.sluice.bench;

import com.anthropic.models.messages.DirectCaller;
import com.anthropic.models.messages.InputJsonDelta;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageDeltaUsage;
import com.anthropic.models.messages.RawContentBlockDeltaEvent;
import com.anthropic.models.messages.RawContentBlockStartEvent;
import com.anthropic.models.messages.RawContentBlockStopEvent;
import com.anthropic.models.messages.RawMessageDeltaEvent;
import com.anthropic.models.messages.RawMessageStartEvent;
import com.anthropic.models.messages.RawMessageStopEvent;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlock;
import com.anthropic.models.messages.TextDelta;
import com.anthropic.models.messages.ThinkingBlock;
import com.anthropic.models.messages.ThinkingDelta;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.messages.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.JsonValue;
import com.openai.core.handlers.SseHandler;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.SseMessage;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionChunk.Choice;
import com.openai.models.completions.CompletionUsage;
import io.sluice.core.sse.SseWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The translation a Java team would write with the official SDKs, the other way round:
 * openai-java 4.101.0 parses a Chat Completions stream its own way ({@link OpenAiJavaDecoder}'s
 * path: the SDK's {@code SseHandler}, which stops at {@code [DONE]}, then per message what the
 * inline {@code mapJson<ChatCompletionChunk>()} does), and each chunk becomes anthropic-java
 * 3.12.0 {@link RawMessageStreamEvent}s, built with the SDK's builders and serialized with
 * anthropic-java's own {@code ObjectMappers.jsonMapper()} as {@code event: <type>} and
 * {@code data: …} frames.
 *
 * <p>The mapping, for choice 0 (Anthropic has one): the first chunk writes {@code message_start}
 * (its id, its model, zero usage: Chat reports usage last); {@code delta.content} and
 * {@code delta.refusal} are text blocks, {@code reasoning_content} or {@code reasoning} (an
 * additional property: openai-java's delta has no field for it) a thinking block, and each tool
 * call (a {@code tool_calls} entry with an id) a {@code tool_use} block whose
 * {@code input_json_delta}s are its arguments; a new block stops the open one. The
 * {@code finish_reason} and the usage chunk are held to the end of the stream, which writes the
 * open block's {@code content_block_stop}, {@code message_delta} (stop reason: {@code stop} →
 * {@code end_turn}, {@code length} → {@code max_tokens}, {@code tool_calls} → {@code tool_use},
 * {@code content_filter} → {@code refusal}; usage with cached tokens apart from
 * {@code input_tokens}, as sluice writes it) and {@code message_stop}.
 */
final class OpenAiJavaToAnthropicJava implements ResponseTranslator {

  private static final JsonMapper OPENAI = com.openai.core.ObjectMappers.jsonMapper();
  private static final JsonMapper ANTHROPIC = com.anthropic.core.ObjectMappers.jsonMapper();
  private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);



  private final HttpResponse.Handler<StreamResponse<SseMessage>> handler =
      OpenAiJavaDecoder.sseHandler(); // the SDK's own SSE handler, reached as the decode benchmark does

  @Override
  public void translate(byte[] body, SseWriter.Sink sink) throws Throwable {
    try (StreamResponse<SseMessage> stream = handler.handle(new OpenAiJavaDecoder.BodyResponse(body))) {
      Iterator<SseMessage> messages = stream.stream().iterator();
      Mapping mapping = new Mapping(sink);
      while (messages.hasNext()) {
        mapping.accept(OPENAI.readerFor(ChatCompletionChunk.class)
            .readValue((JsonNode) OpenAiJavaDecoder.JSON_NODE.invokeExact(messages.next())));
      }
      mapping.end();
    }
  }

  /** What kind of block is open. */
  private enum Open { NONE, TEXT, REFUSAL, THINKING, TOOL }

  /** One stream's mapping state. */
  private static final class Mapping {
    private final SseWriter.Sink sink;
    private boolean started;
    private Open open = Open.NONE;
    private long nextIndex;
    private long openIndex = -1;
    /** Chat tool call index → its block's wire index. */
    private final Map<Long, Long> toolBlocks = new HashMap<>();
    private String finishReason = "";
    private Optional<CompletionUsage> usage = Optional.empty();

    Mapping(SseWriter.Sink sink) {
      this.sink = sink;
    }

    void accept(ChatCompletionChunk chunk) throws IOException {
      if (!started) {
        started = true;
        write("message_start", RawMessageStreamEvent.ofMessageStart(RawMessageStartEvent.builder()
            .message(Message.builder()
                .id(chunk.id())
                .model(chunk.model())
                .content(List.of())
                .container(Optional.empty())
                .diagnostics(Optional.empty())
                .stopDetails(Optional.empty())
                .stopReason(Optional.empty())
                .stopSequence(Optional.empty())
                .usage(usage(0, 0, 0, 0))
                .build())
            .build()));
      }
      if (chunk.usage().isPresent()) {
        usage = chunk.usage();
      }
      for (Choice choice : chunk.choices()) {
        if (choice.index() != 0) {
          continue;
        }
        Choice.Delta delta = choice.delta();
        JsonValue reasoning = delta._additionalProperties().get("reasoning_content");
        if (reasoning == null) {
          reasoning = delta._additionalProperties().get("reasoning");
        }
        String thinking = reasoning == null ? "" : text(reasoning);
        if (!thinking.isEmpty()) {
          if (open != Open.THINKING) {
            startBlock(Open.THINKING, RawContentBlockStartEvent.builder().contentBlock(
                ThinkingBlock.builder().thinking("").signature("").build()));
          }
          blockDelta(RawContentBlockDeltaEvent.builder()
              .delta(ThinkingDelta.builder().thinking(thinking).build()));
        }
        String content = delta.content().orElse("");
        if (!content.isEmpty()) {
          text(Open.TEXT, content);
        }
        String refusal = delta.refusal().orElse("");
        if (!refusal.isEmpty()) {
          text(Open.REFUSAL, refusal); // Anthropic has no refusal block
        }
        for (Choice.Delta.ToolCall call : delta.toolCalls().orElse(List.of())) {
          if (call.id().isPresent() && !toolBlocks.containsKey(call.index())) {
            startBlock(Open.TOOL, RawContentBlockStartEvent.builder().contentBlock(
                ToolUseBlock.builder()
                    .id(call.id().get())
                    .name(call.function().flatMap(f -> f.name()).orElse(""))
                    .input(com.anthropic.core.JsonValue.from(Map.of()))
                    .caller(DirectCaller.builder().build())
                    .build()));
            toolBlocks.put(call.index(), openIndex);
          }
          String arguments = call.function().flatMap(f -> f.arguments()).orElse("");
          Long block = toolBlocks.get(call.index());
          if (!arguments.isEmpty() && block != null) {
            write("content_block_delta", RawMessageStreamEvent.ofContentBlockDelta(
                RawContentBlockDeltaEvent.builder().index(block)
                    .delta(InputJsonDelta.builder().partialJson(arguments).build()).build()));
          }
        }
        if (choice.finishReason().isPresent()) {
          finishReason = choice.finishReason().get().asString();
        }
      }
    }

    void end() throws IOException {
      if (!started) {
        return;
      }
      stopBlock();
      long prompt = usage.map(CompletionUsage::promptTokens).orElse(0L);
      long cached = usage.flatMap(CompletionUsage::promptTokensDetails)
          .flatMap(CompletionUsage.PromptTokensDetails::cachedTokens).orElse(0L);
      long output = usage.map(CompletionUsage::completionTokens).orElse(0L);
      write("message_delta", RawMessageStreamEvent.ofMessageDelta(RawMessageDeltaEvent.builder()
          .delta(RawMessageDeltaEvent.Delta.builder()
              .stopReason(stopReason(finishReason))
              .stopSequence(Optional.empty())
              .container(Optional.empty())
              .stopDetails(Optional.empty())
              .build())
          .usage(MessageDeltaUsage.builder()
              .inputTokens(Math.max(0, prompt - cached))
              .cacheCreationInputTokens(0L)
              .cacheReadInputTokens(cached)
              .outputTokens(output)
              .outputTokensDetails(Optional.empty())
              .serverToolUse(Optional.empty())
              .build())
          .build()));
      write("message_stop",
          RawMessageStreamEvent.ofMessageStop(RawMessageStopEvent.builder().build()));
    }

    private void text(Open kind, String text) throws IOException {
      if (open != kind) {
        startBlock(kind, RawContentBlockStartEvent.builder().contentBlock(
            TextBlock.builder().text("").citations(Optional.empty()).build()));
      }
      blockDelta(RawContentBlockDeltaEvent.builder()
          .delta(TextDelta.builder().text(text).build()));
    }

    private void startBlock(Open kind, RawContentBlockStartEvent.Builder start)
        throws IOException {
      stopBlock();
      open = kind;
      openIndex = nextIndex++;
      write("content_block_start",
          RawMessageStreamEvent.ofContentBlockStart(start.index(openIndex).build()));
    }

    private void blockDelta(RawContentBlockDeltaEvent.Builder delta) throws IOException {
      write("content_block_delta",
          RawMessageStreamEvent.ofContentBlockDelta(delta.index(openIndex).build()));
    }

    private void stopBlock() throws IOException {
      if (open != Open.NONE) {
        write("content_block_stop", RawMessageStreamEvent.ofContentBlockStop(
            RawContentBlockStopEvent.builder().index(openIndex).build()));
        open = Open.NONE;
      }
    }

    private static Usage usage(long input, long cacheRead, long cacheWrite, long output) {
      return Usage.builder()
          .inputTokens(input)
          .cacheReadInputTokens(cacheRead)
          .cacheCreationInputTokens(cacheWrite)
          .outputTokens(output)
          .cacheCreation(Optional.empty())
          .inferenceGeo(Optional.empty())
          .outputTokensDetails(Optional.empty())
          .serverToolUse(Optional.empty())
          .serviceTier(Optional.empty())
          .speed(Optional.empty())
          .build();
    }

    private static StopReason stopReason(String finishReason) {
      switch (finishReason) {
        case "length":
          return StopReason.MAX_TOKENS;
        case "tool_calls":
        case "function_call":
          return StopReason.TOOL_USE;
        case "content_filter":
          return StopReason.REFUSAL;
        default:
          return StopReason.END_TURN;
      }
    }

    private static String text(JsonValue value) {
      return ((com.openai.core.JsonField<?>) value).asString().orElse("");
    }

    private void write(String name, RawMessageStreamEvent event) throws IOException {
      byte[] json = ANTHROPIC.writeValueAsBytes(event);
      byte[] field = ("event: " + name).getBytes(StandardCharsets.US_ASCII);
      sink.write(field, 0, field.length);
      sink.write(DATA, 0, DATA.length);
      sink.write(json, 0, json.length);
      sink.write(END, 0, END.length);
    }
  }
}
