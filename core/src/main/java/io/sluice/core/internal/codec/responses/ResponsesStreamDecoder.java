package io.sluice.core.internal.codec.responses;

import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Done;
import io.sluice.core.event.Logprobs;
import io.sluice.core.event.ServerToolDelta;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolStart;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.RefusalEnd;
import io.sluice.core.event.RefusalStart;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.TextStart;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import io.sluice.core.event.ToolKind;
import io.sluice.core.internal.codec.Annotations;
import io.sluice.core.internal.codec.BaseStreamDecoder;
import io.sluice.core.internal.codec.responses.ResponsesJson.ContentPart;
import io.sluice.core.internal.codec.responses.ResponsesJson.Item;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.sse.SseEnd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes one OpenAI Responses stream (docs/wire-formats.md §b) into model events.
 *
 * <p>Output items become blocks in order of appearance: each content part of a {@code message}
 * item is a text or refusal block; each summary part of a {@code reasoning} item is a
 * {@link ReasoningKind#SUMMARY} block and each {@code reasoning_text} part a
 * {@link ReasoningKind#THINKING} block (one block per part, not joined, so that the parts go back
 * to the provider as they came); a reasoning item with neither is one
 * {@link ReasoningKind#REDACTED} block. All blocks of a reasoning item start with the item's id;
 * the item's {@code encrypted_content} is the signature of its LAST block only (the others carry
 * an empty one), because it is final only when the item is: it differs between
 * {@code output_item.added} and {@code .done} in real captures. A {@code function_call} or
 * {@code custom_tool_call} item is a tool call; a built-in tool item ({@link #SERVER_TOOLS}) is a
 * server tool, opened at {@code output_item.added} and closed with the finished item (its results
 * included) at {@code output_item.done}; any other item kind is an {@link OpaqueBlock} of its raw
 * JSON at its {@code output_item.done}.
 *
 * <p>The {@code *.done} events and the terminal response object are authoritative over the
 * accumulated deltas (two upstream fixtures are trimmed so that deltas cover only part of the
 * text): a block still open at the terminal closes with the terminal's value, and an item that only
 * the terminal names is emitted whole. {@code output_text.annotation.added} adds a citation to its
 * text block, and a text delta's {@code logprobs} follow it as a {@link Logprobs} event.
 *
 * <p>{@code sequence_number}, when present, must grow by one: a gap means lost events, which would
 * silently corrupt the assembled message, so it fails the stream. Absent numbers (hand-made
 * fixtures) are accepted.
 */
final class ResponsesStreamDecoder extends BaseStreamDecoder {

  private enum Kind { TEXT, REFUSAL, SUMMARY, THINKING, TOOL, SERVER_TOOL }

  /** One block of an item: {@code sub} is its content_index or summary_index. */
  private static final class Block {
    final Kind kind;
    final int sub;
    final int index;
    final StringBuilder text = new StringBuilder();
    /** The value of a {@code *.done} event, which wins over the accumulated deltas. */
    String finalText;
    boolean open = true;

    Block(Kind kind, int sub, int index) {
      this.kind = kind;
      this.sub = sub;
      this.index = index;
    }

    String value() {
      return finalText != null ? finalText : text.toString();
    }
  }

  /** What the decoder knows of one output item. */
  private static final class ItemState {
    final int outputIndex;
    String id;
    String type;
    String callId = "";
    String name = "";
    String encrypted = "";
    /** The item's position among the response's tool calls, once it is one. */
    int ordinal = -1;
    /** A server tool's item as last sent. */
    String json = "{}";
    final List<Block> blocks = new ArrayList<>(1);
    boolean done;

    ItemState(int outputIndex, String id, String type) {
      this.outputIndex = outputIndex;
      this.id = id;
      this.type = type;
    }

    boolean serverTool() {
      return SERVER_TOOLS.contains(type);
    }

    ToolKind toolKind() {
      return "custom_tool_call".equals(type) ? ToolKind.CUSTOM : ToolKind.FUNCTION;
    }

    Block find(Kind kind, int sub) {
      for (int i = blocks.size() - 1; i >= 0; i--) {
        Block b = blocks.get(i);
        if (b.kind == kind && b.sub == sub) {
          return b;
        }
      }
      return null;
    }
  }

  /**
   * Built-in tools the provider runs itself (docs/wire-formats.md §b); their items hold the call
   * and its results. {@code local_shell_call}, {@code computer_call} and the like are run by the
   * client and stay opaque here.
   */
  static final java.util.Set<String> SERVER_TOOLS = java.util.Set.of("web_search_call",
      "file_search_call", "code_interpreter_call", "image_generation_call", "mcp_call",
      "mcp_list_tools");

  private final ResponsesEventFields f = new ResponsesEventFields();
  private final List<ItemState> items = new ArrayList<>();
  private long lastSequence = -1;
  private int nextIndex;
  private int nextToolOrdinal;
  private boolean emittedAny;
  private boolean sawToolCall;

  ResponsesStreamDecoder(Consumer<StreamEvent> sink) {
    super(sink);
  }

  @Override
  protected boolean isTerminal(String name, String data) {
    String type = Annotations.stringField(data, "type");
    return switch (type.isEmpty() ? name : type) {
      case "response.completed", "response.incomplete", "response.failed", "error" -> true;
      default -> false;
    };
  }

  @Override
  protected void endOfInput(SseEnd end) {
    // No terminal event arrived: the base class reports the truncation.
  }

  @Override
  protected void decode(String name, byte[] data, int offset, int length) throws IOException {
    if (startsWith(data, offset, length, "[DONE]")) {
      return; // some servers and SDK mocks append it; the terminal event is what counts
    }
    f.read(data, offset, length);
    if (f.sequence >= 0) {
      if (lastSequence >= 0 && f.sequence != lastSequence + 1) {
        finish(new Failed(Failed.MALFORMED, "", "sequence_number went from " + lastSequence
            + " to " + f.sequence + ": events were lost or reordered", 0, false));
        return;
      }
      lastSequence = f.sequence;
    }
    String type = f.type != null ? f.type : name;
    dispatch(type);
  }

  private void dispatch(String type) throws IOException {
    switch (type) {
      case "response.created", "response.queued", "response.in_progress" -> started();
      case "response.output_item.added" -> itemAdded();
      case "response.content_part.added" -> partAdded();
      case "response.output_text.delta" -> delta(Kind.TEXT, f.contentIndex);
      case "response.refusal.delta" -> delta(Kind.REFUSAL, f.contentIndex);
      case "response.reasoning_text.delta" -> delta(Kind.THINKING, f.contentIndex);
      case "response.reasoning_summary_text.delta" -> delta(Kind.SUMMARY, f.summaryIndex);
      case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta" ->
          delta(Kind.TOOL, 0);
      case "response.output_text.done" -> partDone(Kind.TEXT, f.contentIndex, f.text);
      case "response.refusal.done" -> partDone(Kind.REFUSAL, f.contentIndex, f.text);
      case "response.reasoning_text.done" -> partDone(Kind.THINKING, f.contentIndex, f.text);
      case "response.reasoning_summary_text.done" ->
          partDone(Kind.SUMMARY, f.summaryIndex, f.text);
      case "response.reasoning_summary_part.added" -> open(item(null), Kind.SUMMARY,
          f.summaryIndex);
      case "response.reasoning_summary_part.done" ->
          partDone(Kind.SUMMARY, f.summaryIndex, f.part == null ? null : f.part.text());
      case "response.content_part.done" -> contentPartDone();
      case "response.function_call_arguments.done", "response.custom_tool_call_input.done" ->
          partDone(Kind.TOOL, 0, f.text);
      case "response.output_item.done" -> itemDone();
      case "response.output_text.annotation.added" -> annotation();
      case "response.mcp_call_arguments.delta" -> delta(Kind.SERVER_TOOL, 0);
      case "response.completed", "response.incomplete" -> completed();
      case "response.failed" -> failed();
      case "error" -> error();
      default -> {
        // ~58 event kinds exist and new ones appear: what sluice does not map is skipped.
      }
    }
  }

  private void started() {
    if (!emittedAny && f.response != null) {
      emitEvent(new ResponseStarted(f.response.id, f.response.model, f.response.createdAt, ""));
    }
  }

  private void emitEvent(StreamEvent event) {
    emittedAny = true;
    emit(event);
  }

  // --- Items ---

  private ItemState find(int outputIndex, String itemId) {
    for (int i = items.size() - 1; i >= 0; i--) {
      ItemState s = items.get(i);
      if (outputIndex >= 0 ? s.outputIndex == outputIndex : s.id.equals(itemId)) {
        return s;
      }
    }
    return null;
  }

  /** The item an event names; one the stream never announced is created ({@code type} guessed). */
  private ItemState item(String guessedType) {
    ItemState s = find(f.outputIndex, f.itemId);
    if (s == null) {
      s = add(f.outputIndex, f.itemId, guessedType == null ? "reasoning" : guessedType);
    }
    return s;
  }

  private ItemState add(int outputIndex, String id, String type) {
    closeReasoningItems();
    ItemState s = new ItemState(outputIndex < 0 ? items.size() : outputIndex, id, type);
    items.add(s);
    if ("function_call".equals(type) || "custom_tool_call".equals(type)) {
      sawToolCall = true;
    }
    return s;
  }

  private void itemAdded() {
    if (f.item == null || find(f.outputIndex, f.item.id) != null) {
      return;
    }
    ItemState s = add(f.outputIndex, f.item.id, f.item.type);
    s.callId = f.item.callId;
    s.name = f.item.name;
    s.encrypted = f.item.encryptedContent;
    s.json = f.item.raw;
    if (f.item.isToolCall()) {
      open(s, Kind.TOOL, 0);
    } else if (s.serverTool()) {
      open(s, Kind.SERVER_TOOL, 0);
    }
  }

  /** A citation joins its text block; one for a block not open has nowhere to go. */
  private void annotation() throws IOException {
    ItemState s = find(f.outputIndex, f.itemId);
    Block b = s == null || f.annotation == null ? null : s.find(Kind.TEXT, Math.max(f.contentIndex, 0));
    if (b != null && b.open) {
      emitEvent(new CitationAdded(0, b.index, Annotations.citation(f.annotation)));
    }
  }

  /**
   * A reasoning item may end without {@code *.done} events before the next item starts
   * [openai-node ResponseStream.stream-reasoning-works-1]: close it then.
   */
  private void closeReasoningItems() {
    for (ItemState s : items) {
      if (!s.done && "reasoning".equals(s.type)) {
        finishItem(s, null);
      }
    }
  }

  private void partAdded() {
    String partType = f.part == null ? "output_text" : f.part.type();
    Kind kind = switch (partType) {
      case "refusal" -> Kind.REFUSAL;
      case "reasoning_text" -> Kind.THINKING;
      default -> Kind.TEXT;
    };
    open(item(kind == Kind.THINKING ? "reasoning" : "message"), kind, f.contentIndex);
  }

  private Block open(ItemState s, Kind kind, int sub) {
    Block b = s.find(kind, Math.max(sub, 0));
    if (b != null || s.done) {
      return b;
    }
    if (kind == Kind.SUMMARY || kind == Kind.THINKING) {
      // Blocks of a reasoning item follow one another; only the last gets the signature.
      for (Block prev : s.blocks) {
        if (prev.open) {
          close(s, prev, prev.value(), "");
        }
      }
    }
    return startBlock(s, kind, sub);
  }

  private Block startBlock(ItemState s, Kind kind, int sub) {
    Block b = new Block(kind, Math.max(sub, 0), nextIndex++);
    s.blocks.add(b);
    switch (kind) {
      case TEXT -> emitEvent(new TextStart(0, b.index));
      case REFUSAL -> emitEvent(new RefusalStart(0, b.index));
      case SUMMARY -> emitEvent(new ReasoningStart(0, b.index, ReasoningKind.SUMMARY, s.id));
      case THINKING -> emitEvent(new ReasoningStart(0, b.index, ReasoningKind.THINKING, s.id));
      case TOOL -> {
        s.ordinal = nextToolOrdinal++;
        emitEvent(new ToolCallStart(0, b.index, s.ordinal, s.callId, s.name, s.toolKind()));
      }
      case SERVER_TOOL -> emitEvent(new ServerToolStart(0, b.index, s.id, s.name, s.type));
    }
    return b;
  }

  private void delta(Kind kind, int sub) {
    if (f.delta == null) {
      return;
    }
    ItemState s = item(kind == Kind.TEXT || kind == Kind.REFUSAL ? "message"
        : kind == Kind.TOOL ? "function_call" : kind == Kind.SERVER_TOOL ? "mcp_call"
        : "reasoning");
    Block b = open(s, kind, sub);
    if (b == null || !b.open) {
      return; // a delta after its block closed adds nothing to the finished value
    }
    b.text.append(f.delta);
    switch (kind) {
      case TEXT -> {
        emitEvent(new TextDelta(0, b.index, f.delta));
        if (!f.logprobs.isEmpty()) {
          emitEvent(new Logprobs(0, b.index, f.logprobs));
        }
      }
      case REFUSAL -> emitEvent(new RefusalDelta(0, b.index, f.delta));
      case SUMMARY, THINKING -> emitEvent(new ReasoningDelta(0, b.index, f.delta));
      case TOOL -> emitEvent(new ToolCallDelta(0, b.index, s.ordinal, s.callId, s.name,
          f.delta));
      case SERVER_TOOL -> emitEvent(new ServerToolDelta(0, b.index, f.delta));
    }
  }

  private void partDone(Kind kind, int sub, String text) {
    ItemState s = find(f.outputIndex, f.itemId);
    if (s == null) {
      return;
    }
    Block b = s.find(kind, Math.max(sub, 0));
    if (b == null || !b.open) {
      return;
    }
    if (text != null) {
      b.finalText = text;
    }
    if (kind != Kind.SUMMARY && kind != Kind.THINKING) {
      close(s, b, b.value(), "");
    }
  }

  private void contentPartDone() {
    String text = f.part == null ? null : f.part.text();
    Kind kind = f.part != null && "refusal".equals(f.part.type()) ? Kind.REFUSAL
        : f.part != null && "reasoning_text".equals(f.part.type()) ? Kind.THINKING : Kind.TEXT;
    partDone(kind, f.contentIndex, text);
  }

  private void close(ItemState s, Block b, String text, String signature) {
    b.open = false;
    switch (b.kind) {
      case TEXT -> emitEvent(new TextEnd(0, b.index, text));
      case REFUSAL -> emitEvent(new RefusalEnd(0, b.index, text));
      case SUMMARY -> emitEvent(new ReasoningEnd(0, b.index, ReasoningKind.SUMMARY, text,
          signature));
      case THINKING -> emitEvent(new ReasoningEnd(0, b.index, ReasoningKind.THINKING, text,
          signature));
      case TOOL -> emitEvent(new ToolCallEnd(0, b.index, s.ordinal, s.callId, s.name,
          s.toolKind(), text,
          JsonChecks.isValid(text)));
      case SERVER_TOOL -> emitEvent(new ServerToolEnd(0, b.index, s.id, s.name, s.type,
          text.isEmpty() ? "{}" : text, s.json));
    }
  }

  private void itemDone() {
    if (f.item == null) {
      return;
    }
    ItemState s = find(f.outputIndex, f.item.id);
    if (s == null) {
      s = add(f.outputIndex, f.item.id, f.item.type);
    }
    if (!s.done) {
      finishItem(s, f.item);
    }
  }

  /** Closes an item's blocks with the final item's values; {@code last} is null if unknown. */
  private void finishItem(ItemState s, Item last) {
    s.done = true;
    if (last != null) {
      s.type = last.type;
      if (!last.callId.isEmpty()) {
        s.callId = last.callId;
      }
      if (!last.name.isEmpty()) {
        s.name = last.name;
      }
      s.encrypted = last.encryptedContent;
      if (last.isToolCall()) {
        sawToolCall = true;
      }
    }
    switch (s.type) {
      case "message" -> finishMessage(s, last);
      case "reasoning" -> finishReasoning(s, last);
      case "function_call", "custom_tool_call" -> {
        Block b = s.blocks.isEmpty() ? startBlock(s, Kind.TOOL, 0) : s.blocks.get(0);
        if (b.open) {
          close(s, b, last != null && last.arguments != null ? last.arguments : b.value(), "");
        }
        closeAll(s); // blocks that stray events opened on a call item [StreamDecoderFuzzTest]
      }
      default -> {
        if (s.serverTool()) {
          Block b = s.blocks.isEmpty() ? startBlock(s, Kind.SERVER_TOOL, 0) : s.blocks.get(0);
          if (last != null) {
            s.json = last.raw;
          }
          if (b.open) {
            // An MCP call's arguments are its input; other built-in tools keep theirs (a
            // search's action, the interpreter's code) in the item.
            close(s, b, last != null && last.arguments != null && "mcp_call".equals(s.type)
                ? last.arguments : b.value(), "");
          }
        } else if (last != null) {
          emitEvent(new OpaqueBlock(0, nextIndex++, last.type, last.raw));
        }
        closeAll(s);
      }
    }
  }

  private void finishMessage(ItemState s, Item last) {
    if (last != null) {
      for (int k = 0; k < last.content.size(); k++) {
        ContentPart part = last.content.get(k);
        Kind kind = "refusal".equals(part.type()) ? Kind.REFUSAL : Kind.TEXT;
        Block b = s.find(kind, k);
        if (b == null) {
          b = startBlock(s, kind, k);
        }
        if (b.open) {
          close(s, b, part.text(), "");
        }
      }
    }
    closeAll(s);
  }

  private void finishReasoning(ItemState s, Item last) {
    List<Kind> unseenKinds = new ArrayList<>();
    List<String> unseenTexts = new ArrayList<>();
    if (last != null) {
      collect(s, Kind.SUMMARY, last.summary, unseenKinds, unseenTexts);
      List<String> content = new ArrayList<>(last.content.size());
      last.content.forEach(part -> content.add(part.text()));
      collect(s, Kind.THINKING, content, unseenKinds, unseenTexts);
    }
    if (s.blocks.isEmpty() && unseenKinds.isEmpty()) {
      // Hidden reasoning: only the id and encrypted content go back on a later turn.
      int index = nextIndex++;
      emitEvent(new ReasoningStart(0, index, ReasoningKind.REDACTED, s.id));
      emitEvent(new ReasoningEnd(0, index, ReasoningKind.REDACTED, "", s.encrypted));
      return;
    }
    for (Block b : s.blocks) {
      if (b.open) {
        close(s, b, b.value(), unseenKinds.isEmpty() ? s.encrypted : "");
      }
    }
    for (int i = 0; i < unseenKinds.size(); i++) {
      Kind kind = unseenKinds.get(i);
      Block b = startBlock(s, kind, unseenSub(s, kind));
      close(s, b, unseenTexts.get(i), i == unseenKinds.size() - 1 ? s.encrypted : "");
    }
  }

  /** Sets final texts on the blocks that streamed; lists the parts that never did. */
  private static void collect(ItemState s, Kind kind, List<String> finals, List<Kind> kinds,
      List<String> texts) {
    for (int k = 0; k < finals.size(); k++) {
      Block b = s.find(kind, k);
      if (b == null) {
        kinds.add(kind);
        texts.add(finals.get(k));
      } else if (b.open) {
        b.finalText = finals.get(k);
      }
    }
  }

  /** The lowest sub-index of {@code kind} that no block of the item holds yet. */
  private static int unseenSub(ItemState s, Kind kind) {
    int sub = 0;
    while (s.find(kind, sub) != null) {
      sub++;
    }
    return sub;
  }

  private void closeAll(ItemState s) {
    for (Block b : s.blocks) {
      if (b.open) {
        close(s, b, b.value(), "");
      }
    }
  }

  // --- Terminals ---

  private void completed() {
    ResponsesJson.Response r = f.response;
    if (r == null) {
      throw new IllegalStateException("a terminal event without its 'response' object");
    }
    if (!emittedAny) {
      emitEvent(new ResponseStarted(r.id, r.model, r.createdAt, ""));
    }
    for (int i = 0; i < r.output.size(); i++) {
      Item last = r.output.get(i);
      // By id first (a trimmed stream may skip output indices), then by position: GitHub
      // Copilot rotates item ids on every event [github-copilot-id-rotation.1].
      ItemState s = last.id.isEmpty() ? null : find(-1, last.id);
      if (s == null) {
        s = find(i, "");
      }
      if (s == null) {
        s = add(i, last.id, last.type);
      }
      if (!s.done) {
        finishItem(s, last);
      }
    }
    for (ItemState s : items) {
      if (!s.done) {
        finishItem(s, null);
      }
    }
    if (r.usage != null) {
      emitEvent(r.usage);
    }
    if (!r.incompleteReason.isEmpty() || "incomplete".equals(r.status)) {
      String reason = r.incompleteReason;
      FinishReason normal = switch (reason) {
        case "max_output_tokens" -> FinishReason.LENGTH;
        case "content_filter" -> FinishReason.CONTENT_FILTER;
        default -> FinishReason.STOP;
      };
      finish(new Done(normal, reason));
      return;
    }
    finish(new Done(sawToolCall ? FinishReason.TOOL_CALLS : FinishReason.STOP,
        r.status.isEmpty() ? "completed" : r.status));
  }

  private void failed() {
    ResponsesJson.Error e = f.response == null ? null : f.response.error;
    if (e == null) {
      e = new ResponsesJson.Error("", "", "the response failed", "", 0);
    }
    finish(ResponsesErrors.of(e, 0, "response_failed"));
  }

  /** Both shapes: flat {code, message, param} (spec) and nested {error:{type, code, message}}. */
  private void error() {
    ResponsesJson.Error e = f.error != null ? f.error
        : new ResponsesJson.Error("", f.code, f.message, f.param, 0);
    finish(ResponsesErrors.of(e, f.status, "error"));
  }
}
