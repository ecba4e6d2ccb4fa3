package io.sluice.bench;

import com.anthropic.core.JsonField;
import com.anthropic.core.JsonValue;
import com.anthropic.core.handlers.SseHandler;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.core.http.SseMessage;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageDeltaUsage;
import com.anthropic.models.messages.OutputTokensDetails;
import com.anthropic.models.messages.RawContentBlockDelta;
import com.anthropic.models.messages.RawContentBlockDeltaEvent;
import com.anthropic.models.messages.RawContentBlockStartEvent;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.messages.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionChunk.Choice;
import com.openai.models.chat.completions.ChatCompletionChunk.Choice.Delta;
import com.openai.models.chat.completions.ChatCompletionChunk.Choice.FinishReason;
import com.openai.models.completions.CompletionUsage;
import io.sluice.core.sse.SseWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The translation a Java team would write with the official SDKs: anthropic-java 3.12.0 parses an
 * Anthropic Messages stream its own way, and each event becomes an openai-java 4.101.0
 * {@link ChatCompletionChunk}, built with the SDK's builders and serialized with openai-java's own
 * {@code ObjectMappers.jsonMapper()} into {@code data: …\n\n} frames, then {@code data: [DONE]}.
 *
 * <p>The parse is {@link AnthropicJavaDecoder}'s: the SDK's {@code SseHandler} on an
 * {@link HttpResponse} whose body is the bytes, then per message what the inline
 * {@code mapJson<RawMessageStreamEvent>()} does. The mapping, per event:
 *
 * <ul>
 *   <li>{@code message_start}: the chunk id, the model, {@code created} (now: Anthropic has no
 *       creation time), the usage so far and the stop reason if it already has one;</li>
 *   <li>{@code content_block_start} of a {@code tool_use}: a {@code tool_calls} entry with the
 *       call's ordinal, id, name and empty arguments (then the input as arguments, when the start
 *       already holds it), and a call whose input stays empty gets {@code {}} as its arguments at
 *       its {@code content_block_stop}; server tools ({@code server_tool_use},
 *       {@code mcp_tool_use}) ran at Anthropic and are dropped, as sluice's Chat encoder drops
 *       them;</li>
 *   <li>{@code content_block_delta}: {@code text_delta} to {@code delta.content},
 *       {@code input_json_delta} to the call's {@code function.arguments}, {@code thinking_delta}
 *       to {@code delta.reasoning_content} (an additional property: the chunk has no field for
 *       it); signatures and citations are dropped;</li>
 *   <li>{@code message_delta}: the stop reason and the usage, held to the end;</li>
 *   <li>{@code message_stop}: a {@code finish_reason} chunk, a {@code choices: []} usage chunk,
 *       {@code [DONE]}.</li>
 * </ul>
 *
 * <p>These are the choices sluice's Chat encoder makes too (role on the first delta, empty deltas
 * not sent, usage counts with cache reads and writes in {@code prompt_tokens}), so that both sides
 * write the same chunks.
 */
final class AnthropicJavaToOpenAiJava implements ResponseTranslator {

  private static final JsonMapper ANTHROPIC = com.anthropic.core.ObjectMappers.jsonMapper();
  private static final JsonMapper OPENAI = com.openai.core.ObjectMappers.jsonMapper();
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);



  private final HttpResponse.Handler<StreamResponse<SseMessage>> handler =
      AnthropicJavaDecoder.sseHandler(); // the SDK's own SSE handler, reached as the decode benchmark does

  @Override
  public void translate(byte[] body, SseWriter.Sink sink) throws Throwable {
    try (StreamResponse<SseMessage> stream = handler.handle(new AnthropicJavaDecoder.BodyResponse(body))) {
      Iterator<SseMessage> messages = stream.stream().iterator();
      Mapping mapping = new Mapping(sink);
      while (messages.hasNext()) {
        mapping.accept(ANTHROPIC.readerFor(RawMessageStreamEvent.class)
            .readValue((JsonNode) AnthropicJavaDecoder.JSON_NODE.invokeExact(messages.next())));
      }
    }
  }

  /** One stream's mapping state. */
  private static final class Mapping {
    private final SseWriter.Sink sink;
    private String id = "";
    private String model = "";
    private long created;
    private boolean roleSent;
    /** Per content block index: the tool call's ordinal, or -1. */
    private int[] ordinal = new int[0];
    private int tools;
    /** Per tool call ordinal: whether any arguments were written. */
    private boolean[] argumentsSent = new boolean[0];
    private Optional<com.anthropic.models.messages.StopReason> stopReason = Optional.empty();
    private long input;
    private long output;
    private long cacheRead;
    private long cacheWrite;
    private long thinking;

    Mapping(SseWriter.Sink sink) {
      this.sink = sink;
    }

    void accept(RawMessageStreamEvent event) throws IOException {
      if (event.isMessageStart()) {
        com.anthropic.models.messages.Message m = event.asMessageStart().message();
        id = m.id();
        model = m.model().asString();
        created = Instant.now().getEpochSecond();
        Usage u = m.usage();
        input = u.inputTokens();
        output = u.outputTokens();
        cacheRead = u.cacheReadInputTokens().orElse(0L);
        cacheWrite = u.cacheCreationInputTokens().orElse(0L);
        thinking = u.outputTokensDetails().map(OutputTokensDetails::thinkingTokens).orElse(0L);
        stopReason = m.stopReason();
      } else if (event.isContentBlockStart()) {
        RawContentBlockStartEvent start = event.asContentBlockStart();
        RawContentBlockStartEvent.ContentBlock block = start.contentBlock();
        // Server tools (server_tool_use, mcp_tool_use) ran at Anthropic: the client has nothing to
        // call, so, as in sluice's Chat encoder, they are not tool calls and their input is dropped.
        if (block.isToolUse()) {
          ToolUseBlock tool = block.asToolUse();
          toolStart((int) start.index(), tool.id(), tool.name(), tool._input());
        }
      } else if (event.isContentBlockStop()) {
        int index = (int) event.asContentBlockStop().index();
        if (index < ordinal.length && ordinal[index] >= 0 && !argumentsSent[ordinal[index]]) {
          arguments(index, "{}"); // Chat's arguments are a JSON object, even an empty one
        }
      } else if (event.isContentBlockDelta()) {
        RawContentBlockDeltaEvent e = event.asContentBlockDelta();
        RawContentBlockDelta d = e.delta();
        if (d.isText()) {
          String text = d.asText().text();
          if (!text.isEmpty()) {
            delta(Delta.builder().content(text));
          }
        } else if (d.isInputJson()) {
          arguments((int) e.index(), d.asInputJson().partialJson());
        } else if (d.isThinking()) {
          String text = d.asThinking().thinking();
          if (!text.isEmpty()) {
            delta(Delta.builder().putAdditionalProperty("reasoning_content", com.openai.core.JsonValue.from(text)));
          }
        }
      } else if (event.isMessageDelta()) {
        if (event.asMessageDelta().delta().stopReason().isPresent()) {
          stopReason = event.asMessageDelta().delta().stopReason();
        }
        MessageDeltaUsage u = event.asMessageDelta().usage();
        output = u.outputTokens();
        input = u.inputTokens().orElse(input);
        cacheRead = u.cacheReadInputTokens().orElse(cacheRead);
        cacheWrite = u.cacheCreationInputTokens().orElse(cacheWrite);
        thinking = u.outputTokensDetails().map(OutputTokensDetails::thinkingTokens).orElse(thinking);
      } else if (event.isMessageStop()) {
        if (stopReason.isPresent()) {
          chunk(Delta.builder(), Optional.of(finishReason(stopReason.get().asString())));
        }
        long prompt = input + cacheRead + cacheWrite;
        write(ChatCompletionChunk.builder().id(id).created(created).model(model)
            .choices(java.util.List.of())
            .usage(CompletionUsage.builder()
                .promptTokens(prompt)
                .completionTokens(output)
                .totalTokens(prompt + output)
                .promptTokensDetails(CompletionUsage.PromptTokensDetails.builder()
                    .cachedTokens(cacheRead).build())
                .completionTokensDetails(CompletionUsage.CompletionTokensDetails.builder()
                    .reasoningTokens(thinking).build())
                .build())
            .build());
        sink.write(DONE, 0, DONE.length);
      }
      // Other content_block_stop events: Chat has no block boundaries.
    }

    /**
     * A tool call's first chunk; a call that arrives whole (its input already in the start, as
     * web_fetch's server_tool_use sends it) writes that input as its arguments too.
     */
    private void toolStart(int index, String callId, String name,
        JsonValue input) throws IOException {
      if (index >= ordinal.length) {
        int old = ordinal.length;
        ordinal = Arrays.copyOf(ordinal, Math.max(index + 1, old * 2));
        Arrays.fill(ordinal, old, ordinal.length, -1);
      }
      ordinal[index] = tools++;
      if (tools > argumentsSent.length) {
        argumentsSent = Arrays.copyOf(argumentsSent, tools * 2);
      }
      delta(Delta.builder().addToolCall(Delta.ToolCall.builder()
          .index(ordinal[index])
          .id(callId)
          .type(Delta.ToolCall.Type.FUNCTION)
          .function(Delta.ToolCall.Function.builder().name(name).arguments("").build())
          .build()));
      Optional<Map<String, JsonValue>> object = object(input);
      if (object.isPresent() && !object.get().isEmpty()) {
        arguments(index, ANTHROPIC.writeValueAsString(input));
      }
    }

    private void arguments(int index, String json) throws IOException {
      if (!json.isEmpty() && index < ordinal.length && ordinal[index] >= 0) {
        argumentsSent[ordinal[index]] = true;
        delta(Delta.builder().addToolCall(Delta.ToolCall.builder()
            .index(ordinal[index])
            .function(Delta.ToolCall.Function.builder().arguments(json).build())
            .build()));
      }
    }

    /** JsonValue extends the raw JsonField type, so its accessors lose their generics. */
    @SuppressWarnings("unchecked")
    private static Optional<Map<String, JsonValue>> object(JsonValue value) {
      return ((JsonField<?>) value).asObject();
    }

    private static FinishReason finishReason(String stopReason) {
      switch (stopReason) {
        case "max_tokens":
        case "model_context_window_exceeded":
          return FinishReason.LENGTH;
        case "tool_use":
          return FinishReason.TOOL_CALLS;
        case "refusal":
          return FinishReason.CONTENT_FILTER;
        default:
          return FinishReason.STOP; // end_turn, stop_sequence, pause_turn
      }
    }

    private void delta(Delta.Builder delta) throws IOException {
      chunk(delta, Optional.empty());
    }

    private void chunk(Delta.Builder delta, Optional<FinishReason> finish) throws IOException {
      if (!roleSent) {
        roleSent = true;
        delta.role(Delta.Role.ASSISTANT);
      }
      write(ChatCompletionChunk.builder().id(id).created(created).model(model)
          .addChoice(Choice.builder().index(0).delta(delta.build()).finishReason(finish).build())
          .build());
    }

    private void write(ChatCompletionChunk chunk) throws IOException {
      byte[] json = OPENAI.writeValueAsBytes(chunk);
      sink.write(DATA, 0, DATA.length);
      sink.write(json, 0, json.length);
      sink.write(END, 0, END.length);
    }
  }
}
