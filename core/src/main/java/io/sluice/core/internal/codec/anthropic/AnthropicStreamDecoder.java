package io.sluice.core.internal.codec.anthropic;

import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Done;
import io.sluice.core.event.ServerToolDelta;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolResult;
import io.sluice.core.event.ServerToolStart;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.TextStart;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import io.sluice.core.event.ToolKind;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.codec.Annotations;
import io.sluice.core.internal.codec.BaseStreamDecoder;
import io.sluice.core.internal.codec.FinishReasons;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.sse.SseEnd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes an Anthropic Messages stream (docs/wire-formats.md §c) into model events.
 *
 * <p>Each SSE payload is read in one streaming pass into per-event scratch fields, whatever the
 * order of its keys, then dispatched on {@code data.type}, falling back to the SSE event name
 * (vercel's fixtures carry no {@code event:} lines). Rules beyond the obvious ones:
 *
 * <ul>
 *   <li>A second {@code message_start} with the same id is ignored; one with a different id before
 *       {@code message_stop} is a protocol error (vercel anthropic-message-lifecycle.test.ts).
 *   <li>{@code server_tool_use} and {@code mcp_tool_use} are server tools, never tool calls: the
 *       client did not declare them and must not answer them. Every {@code *_tool_result} block
 *       becomes a {@link ServerToolResult} holding the start's raw JSON.
 *   <li>Blocks the model does not know ({@code fallback}, …) become an {@link OpaqueBlock} holding
 *       the start's raw JSON. Such a block that receives deltas ({@code compaction} with
 *       {@code compaction_delta}) is held until its stop, and the deltas' fields are merged into
 *       the JSON (strings concatenated).
 *   <li>{@code citations_delta} adds a {@link CitationAdded} to its text block.
 *   <li>{@code message_stop} closes blocks still open (a {@code tool_use} cut by
 *       {@code max_tokens} has no {@code content_block_stop}); its {@code ToolCallEnd} then reports
 *       {@code validJson=false}. The end of input without {@code message_stop} is a truncation, and
 *       open blocks stay open.
 * </ul>
 */
final class AnthropicStreamDecoder extends BaseStreamDecoder {

  private enum Kind { TEXT, TOOL, SERVER_TOOL, THINKING, OPAQUE }

  /** One content block while it is open. */
  private static final class Block {
    final int wireIndex;
    final int index;
    final Kind kind;
    final StringBuilder content = new StringBuilder();
    final StringBuilder signature = new StringBuilder();
    String id = "";
    String name = "";
    int ordinal;
    String type = "";
    String startJson = "";
    /** The start's {@code tool_use_id}, as {@link AnthropicEventFields#blockToolUseId}. */
    String toolUseId;
    List<String> deltaJson;

    Block(int wireIndex, int index, Kind kind) {
      this.wireIndex = wireIndex;
      this.index = index;
      this.kind = kind;
    }
  }

  
  // Stream state.
  private final List<Block> open = new ArrayList<>(2);
  private int nextIndex;
  private int nextToolOrdinal;
  private String messageId;
  private boolean emittedAny;
  private String stopReason = "";
  private final long[] usageHeld = AnthropicUsage.counts();
  private Usage lastUsage;

  private final AnthropicEventFields ev = new AnthropicEventFields();

  AnthropicStreamDecoder(Consumer<StreamEvent> sink) {
    super(sink);
  }

  @Override
  protected void decode(String name, byte[] data, int offset, int length) throws IOException {
    ev.read(data, offset, length);
    String kind = ev.type != null ? ev.type : name;
    switch (kind) {
      case "message_start":
        messageStart();
        break;
      case "content_block_start":
        blockStart();
        break;
      case "content_block_delta":
        blockDelta();
        break;
      case "content_block_stop":
        Block block = find();
        if (block != null) {
          close(block);
        }
        break;
      case "message_delta":
        if (ev.deltaStopReason != null) {
          stopReason = ev.deltaStopReason;
        }
        if (ev.hasUsage) {
          mergeUsage();
        }
        break;
      case "message_stop":
        // A block the provider never stopped (tool_use cut by max_tokens) closes here, so that
        // Done leaves nothing open; its arguments are then not valid JSON.
        while (!open.isEmpty()) {
          close(open.get(0));
        }
        finish(new Done(FinishReasons.fromAnthropic(stopReason), stopReason));
        break;
      case "error":
        flushOpaque();
        finish(AnthropicErrors.failure(ev.errorType == null ? "api_error" : ev.errorType,
            ev.errorMessage == null ? "" : ev.errorMessage, 0));
        break;
      default:
        // ping, and event types added after this was written: the docs say to ignore them.
        break;
    }
  }

  @Override
  protected boolean isTerminal(String name, String data) {
    String type = Annotations.stringField(data, "type");
    String kind = type.isEmpty() ? name : type;
    return "message_stop".equals(kind) || "error".equals(kind);
  }

  @Override
  protected void endOfInput(SseEnd end) {
    // Without message_stop the stream is truncated, also after message_delta: never a silent
    // success (issue 3). Open blocks stay open; whatever arrived stands.
    flushOpaque();
    finish(truncated("message_stop"));
  }

  /** Whole blocks held for their deltas are content that arrived: a failure keeps them. */
  private void flushOpaque() {
    for (int i = 0; i < open.size(); ) {
      Block block = open.get(i);
      if (block.kind == Kind.OPAQUE) {
        close(block);
      } else {
        i++;
      }
    }
  }

  // --- Dispatch ---

  private void messageStart() throws IOException {
    String newId = ev.id == null ? "" : ev.id;
    if (messageId != null) {
      if (messageId.equals(newId)) {
        return; // a repeated message_start of the same message (vercel lifecycle rule)
      }
      throw new ProtocolException("message_start of '" + StreamDecoder.excerpt(newId)
          + "' while message '" + StreamDecoder.excerpt(messageId) + "' is still open");
    }
    if (emittedAny) {
      throw new ProtocolException("message_start after content");
    }
    messageId = newId;
    if (ev.deltaStopReason != null) {
      stopReason = ev.deltaStopReason;
    }
    send(new ResponseStarted(newId, ev.model == null ? "" : ev.model, 0, ""));
    if (ev.hasUsage) {
      mergeUsage();
    }
  }

  private void blockStart() throws IOException {
    if (ev.blockType == null) {
      throw new ProtocolException("content_block_start without a content_block type");
    }
    if (find() != null) {
      throw new ProtocolException(
          "content_block_start for index " + ev.wireIndex + " already open");
    }
    int index = nextIndex++;
    Block block;
    switch (ev.blockType) {
      case "text":
        block = open(index, Kind.TEXT);
        send(new TextStart(0, index));
        if (ev.blockText != null && !ev.blockText.isEmpty()) {
          block.content.append(ev.blockText);
          send(new TextDelta(0, index, ev.blockText));
        }
        break;
      case "tool_use":
      case "server_tool_use":
      case "mcp_tool_use": {
        boolean server = !"tool_use".equals(ev.blockType);
        block = open(index, server ? Kind.SERVER_TOOL : Kind.TOOL);
        block.id = ev.blockId == null ? "" : ev.blockId;
        block.name = ev.blockName == null ? "" : ev.blockName;
        block.type = ev.blockType;
        block.startJson = ev.slice(ev.blockFrom, ev.blockTo);
        if (!server) {
          block.ordinal = nextToolOrdinal++;
        }
        send(server ? new ServerToolStart(0, index, block.id, block.name, block.type)
            : new ToolCallStart(0, index, block.ordinal, block.id, block.name, ToolKind.FUNCTION));
        if (ev.inputFrom >= 0 && !ev.onlyBraces(ev.inputFrom, ev.inputTo)) {
          // A call that arrives whole (programmatic tool calling's tool_use, web_fetch's
          // server_tool_use) has its input in the start: it is the arguments' one delta.
          String input = ev.slice(ev.inputFrom, ev.inputTo);
          block.content.append(input);
          send(server ? new ServerToolDelta(0, index, input)
              : new ToolCallDelta(0, index, block.ordinal, block.id, block.name, input));
        }
        break;
      }
      case "thinking":
        block = open(index, Kind.THINKING);
        send(new ReasoningStart(0, index, ReasoningKind.THINKING, ""));
        if (ev.blockText != null && !ev.blockText.isEmpty()) {
          block.content.append(ev.blockText);
          send(new ReasoningDelta(0, index, ev.blockText));
        }
        if (ev.blockSignature != null) {
          block.signature.append(ev.blockSignature);
        }
        break;
      case "redacted_thinking":
        // Arrives whole: the opaque data is the value a later turn must send back.
        send(new ReasoningStart(0, index, ReasoningKind.REDACTED, ""));
        send(new ReasoningEnd(0, index, ReasoningKind.REDACTED, "",
            ev.blockSignature == null ? "" : ev.blockSignature));
        break;
      default:
        // Whole blocks sluice does not model; kept open only so that deltas (compaction_delta)
        // can be merged, and emitted as one OpaqueBlock at the stop.
        block = open(index, Kind.OPAQUE);
        block.type = ev.blockType;
        block.startJson = ev.slice(ev.blockFrom, ev.blockTo);
        block.toolUseId = ev.blockToolUseId == null ? "" : ev.blockToolUseId;
        break;
    }
  }

  private void blockDelta() throws IOException {
    Block block = find();
    if (block == null) {
      throw new ProtocolException("content_block_delta for index " + ev.wireIndex
          + ", which is not open");
    }
    if (ev.deltaType == null) {
      return;
    }
    switch (block.kind) {
      case TEXT:
        if ("text_delta".equals(ev.deltaType) && ev.deltaText != null && !ev.deltaText.isEmpty()) {
          block.content.append(ev.deltaText);
          send(new TextDelta(0, block.index, ev.deltaText));
        } else if ("citations_delta".equals(ev.deltaType)) {
          String citation = Annotations.rawField(ev.slice(ev.deltaFrom, ev.deltaTo), "citation");
          if (citation != null) {
            send(new CitationAdded(0, block.index, Annotations.citation(citation)));
          }
        }
        break;
      case TOOL:
      case SERVER_TOOL:
        if ("input_json_delta".equals(ev.deltaType) && ev.deltaText != null
            && !ev.deltaText.isEmpty()) {
          block.content.append(ev.deltaText);
          send(block.kind == Kind.TOOL ? new ToolCallDelta(0, block.index, block.ordinal,
              block.id, block.name, ev.deltaText)
              : new ServerToolDelta(0, block.index, ev.deltaText));
        }
        break;
      case THINKING:
        if ("thinking_delta".equals(ev.deltaType)) {
          // A thinking_delta of "" does occur; it carries nothing.
          if (ev.deltaText != null && !ev.deltaText.isEmpty()) {
            block.content.append(ev.deltaText);
            send(new ReasoningDelta(0, block.index, ev.deltaText));
          }
        } else if ("signature_delta".equals(ev.deltaType) && ev.deltaText != null) {
          block.signature.append(ev.deltaText);
        }
        break;
      default:
        if (block.deltaJson == null) {
          block.deltaJson = new ArrayList<>(2);
        }
        block.deltaJson.add(ev.slice(ev.deltaFrom, ev.deltaTo));
        break;
    }
  }

  private void close(Block block) {
    open.remove(block);
    int i = block.index;
    switch (block.kind) {
      case TEXT:
        send(new TextEnd(0, i, block.content.toString()));
        break;
      case TOOL: {
        // Anthropic's empty input is no delta or one of "": the input is then {}.
        String args = block.content.length() > 0 ? block.content.toString() : "{}";
        send(new ToolCallEnd(0, i, block.ordinal, block.id, block.name, ToolKind.FUNCTION, args,
            JsonChecks.isValid(args)));
        break;
      }
      case SERVER_TOOL: {
        String input = block.content.length() > 0 ? block.content.toString() : "{}";
        send(new ServerToolEnd(0, i, block.id, block.name, block.type, input, block.startJson));
        break;
      }
      case THINKING:
        send(new ReasoningEnd(0, i, ReasoningKind.THINKING, block.content.toString(),
            block.signature.toString()));
        break;
      default:
        String json = block.deltaJson == null ? block.startJson
            : OpaqueMerge.merge(block.startJson, block.deltaJson);
        if (block.type.endsWith("_tool_result")) {
          // Deltas merged into the JSON may bring the id: only then is the merged JSON read.
          String toolUseId = block.deltaJson == null ? block.toolUseId
              : Annotations.stringField(json, "tool_use_id");
          send(new ServerToolResult(0, i, toolUseId, block.type, json));
        } else {
          send(new OpaqueBlock(0, i, block.type, json));
        }
        break;
    }
  }

  // --- Helpers ---

  private Block open(int index, Kind kind) {
    Block block = new Block(ev.wireIndex, index, kind);
    open.add(block);
    return block;
  }

  private Block find() {
    for (int i = 0, n = open.size(); i < n; i++) {
      Block b = open.get(i);
      if (b.wireIndex == ev.wireIndex) {
        return b;
      }
    }
    return null;
  }

  private void send(StreamEvent event) {
    emittedAny = true;
    emit(event);
  }

  /** Usage is cumulative: each count an event carries replaces the one held. */
  private void mergeUsage() {
    Usage usage = AnthropicUsage.merge(usageHeld, ev.usage);
    if (!usage.equals(lastUsage)) { // an unchanged repeat tells nothing new
      lastUsage = usage;
      send(usage);
    }
  }

  /** A sequence of events that breaks the message lifecycle; it ends the stream as malformed. */
  private static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super("protocol error: " + message);
    }
  }
}
