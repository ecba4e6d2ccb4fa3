package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.event.Done;
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
import io.sluice.core.internal.codec.BaseStreamDecoder;
import io.sluice.core.internal.codec.FinishReasons;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes an Anthropic Messages stream (wire-formats.md §c) into model events.
 *
 * <p>Each SSE payload is read in one streaming pass into per-event scratch fields, whatever the
 * order of its keys, then dispatched on {@code data.type}, falling back to the SSE event name
 * (vercel's fixtures carry no {@code event:} lines). Rules beyond the obvious ones:
 *
 * <ul>
 *   <li>A second {@code message_start} with the same id is ignored; one with a different id before
 *       {@code message_stop} is a protocol error (vercel anthropic-message-lifecycle.test.ts).
 *   <li>Blocks the model does not know ({@code web_search_tool_result}, {@code fallback}, every
 *       {@code *_tool_result}, …) become an {@link OpaqueBlock} holding the start's raw JSON. Such a
 *       block that receives deltas ({@code compaction} with {@code compaction_delta}) is held until
 *       its stop, and the deltas' fields are merged into the JSON (strings concatenated).
 *   <li>{@code citations_delta} has no place in the event model and is dropped.
 *   <li>{@code message_stop} closes blocks still open (a {@code tool_use} cut by
 *       {@code max_tokens} has no {@code content_block_stop}); its {@code ToolCallEnd} then reports
 *       {@code validJson=false}. The end of input without {@code message_stop} is a truncation, and
 *       open blocks stay open.
 * </ul>
 */
final class AnthropicStreamDecoder extends BaseStreamDecoder {

  private enum Kind { TEXT, TOOL, THINKING, OPAQUE }

  /** One content block while it is open. */
  private static final class Block {
    final int wireIndex;
    final int index;
    final Kind kind;
    final StringBuilder content = new StringBuilder();
    final StringBuilder signature = new StringBuilder();
    String id = "";
    String name = "";
    ToolKind toolKind = ToolKind.FUNCTION;
    String initialInput = "";
    String type = "";
    String startJson = "";
    List<String> deltaJson;

    Block(int wireIndex, int index, Kind kind) {
      this.wireIndex = wireIndex;
      this.index = index;
      this.kind = kind;
    }
  }

  private static final long ABSENT = -1;

  // Stream state.
  private final List<Block> open = new ArrayList<>(2);
  private int nextIndex;
  private String messageId;
  private boolean emittedAny;
  private String stopReason = "";
  private long input;
  private long output;
  private long cacheRead;
  private long cacheWrite;
  private long reasoning;

  // Scratch of the event being decoded.
  private String data;
  private String type;
  private int wireIndex;
  private String id;
  private String model;
  private boolean hasUsage;
  private long uInput;
  private long uOutput;
  private long uCacheRead;
  private long uCacheWrite;
  private long uReasoning;
  private String blockType;
  private String blockId;
  private String blockName;
  private String blockText;
  private String blockSignature;
  private int blockFrom;
  private int blockTo;
  private int inputFrom;
  private int inputTo;
  private String deltaType;
  private String deltaText;
  private String deltaStopReason;
  private int deltaFrom;
  private int deltaTo;
  private String errorType;
  private String errorMessage;

  AnthropicStreamDecoder(Consumer<StreamEvent> sink) {
    super(sink);
  }

  @Override
  protected void decode(SseEvent event) throws IOException {
    read(event.data());
    String kind = type != null ? type : event.name();
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
        if (deltaStopReason != null) {
          stopReason = deltaStopReason;
        }
        if (hasUsage) {
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
        finish(AnthropicErrors.failure(errorType == null ? "api_error" : errorType,
            errorMessage == null ? "" : errorMessage, 0));
        break;
      default:
        // ping, and event types added after this was written: the docs say to ignore them.
        break;
    }
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
    String newId = id == null ? "" : id;
    if (messageId != null) {
      if (messageId.equals(newId)) {
        return; // a repeated message_start of the same message (vercel lifecycle rule)
      }
      throw new ProtocolException("message_start of '" + excerpt(newId) + "' while message '"
          + excerpt(messageId) + "' is still open");
    }
    if (emittedAny) {
      throw new ProtocolException("message_start after content");
    }
    messageId = newId;
    if (deltaStopReason != null) {
      stopReason = deltaStopReason;
    }
    send(new ResponseStarted(newId, model == null ? "" : model, 0, ""));
    if (hasUsage) {
      mergeUsage();
    }
  }

  private void blockStart() throws IOException {
    if (blockType == null) {
      throw new ProtocolException("content_block_start without a content_block type");
    }
    if (find() != null) {
      throw new ProtocolException("content_block_start for index " + wireIndex + " already open");
    }
    int index = nextIndex++;
    Block block;
    switch (blockType) {
      case "text":
        block = open(index, Kind.TEXT);
        send(new TextStart(0, index));
        if (blockText != null && !blockText.isEmpty()) {
          block.content.append(blockText);
          send(new TextDelta(0, index, blockText));
        }
        break;
      case "tool_use":
      case "server_tool_use":
      case "mcp_tool_use":
        block = open(index, Kind.TOOL);
        block.id = blockId == null ? "" : blockId;
        block.name = blockName == null ? "" : blockName;
        block.toolKind = "tool_use".equals(blockType) ? ToolKind.FUNCTION : ToolKind.SERVER;
        if (inputFrom >= 0) {
          block.initialInput = data.substring(inputFrom, inputTo);
        }
        send(new ToolCallStart(0, index, block.id, block.name, block.toolKind));
        break;
      case "thinking":
        block = open(index, Kind.THINKING);
        send(new ReasoningStart(0, index, ReasoningKind.THINKING, ""));
        if (blockText != null && !blockText.isEmpty()) {
          block.content.append(blockText);
          send(new ReasoningDelta(0, index, blockText));
        }
        if (blockSignature != null) {
          block.signature.append(blockSignature);
        }
        break;
      case "redacted_thinking":
        // Arrives whole: the opaque data is the value a later turn must send back.
        send(new ReasoningStart(0, index, ReasoningKind.REDACTED, ""));
        send(new ReasoningEnd(0, index, ReasoningKind.REDACTED, "",
            blockSignature == null ? "" : blockSignature));
        break;
      default:
        // Whole blocks sluice does not model; kept open only so that deltas (compaction_delta)
        // can be merged, and emitted as one OpaqueBlock at the stop.
        block = open(index, Kind.OPAQUE);
        block.type = blockType;
        block.startJson = data.substring(blockFrom, blockTo);
        break;
    }
  }

  private void blockDelta() throws IOException {
    Block block = find();
    if (block == null) {
      throw new ProtocolException("content_block_delta for index " + wireIndex
          + ", which is not open");
    }
    if (deltaType == null) {
      return;
    }
    switch (block.kind) {
      case TEXT:
        // citations_delta (and any new delta type) has no place in the model: dropped.
        if ("text_delta".equals(deltaType) && deltaText != null && !deltaText.isEmpty()) {
          block.content.append(deltaText);
          send(new TextDelta(0, block.index, deltaText));
        }
        break;
      case TOOL:
        if ("input_json_delta".equals(deltaType) && deltaText != null && !deltaText.isEmpty()) {
          block.content.append(deltaText);
          send(new ToolCallDelta(0, block.index, deltaText));
        }
        break;
      case THINKING:
        if ("thinking_delta".equals(deltaType)) {
          // A thinking_delta of "" does occur; it carries nothing.
          if (deltaText != null && !deltaText.isEmpty()) {
            block.content.append(deltaText);
            send(new ReasoningDelta(0, block.index, deltaText));
          }
        } else if ("signature_delta".equals(deltaType) && deltaText != null) {
          block.signature.append(deltaText);
        }
        break;
      default:
        if (block.deltaJson == null) {
          block.deltaJson = new ArrayList<>(2);
        }
        block.deltaJson.add(data.substring(deltaFrom, deltaTo));
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
        String args = block.content.length() > 0 ? block.content.toString()
            : block.initialInput.isEmpty() ? "{}" : block.initialInput;
        send(new ToolCallEnd(0, i, block.id, block.name, block.toolKind, args,
            JsonChecks.isValid(args)));
        break;
      }
      case THINKING:
        send(new ReasoningEnd(0, i, ReasoningKind.THINKING, block.content.toString(),
            block.signature.toString()));
        break;
      default:
        String json = block.deltaJson == null ? block.startJson
            : OpaqueMerge.merge(block.startJson, block.deltaJson);
        send(new OpaqueBlock(0, i, block.type, json));
        break;
    }
  }

  // --- Helpers ---

  private Block open(int index, Kind kind) {
    Block block = new Block(wireIndex, index, kind);
    open.add(block);
    return block;
  }

  private Block find() {
    for (int i = 0, n = open.size(); i < n; i++) {
      Block b = open.get(i);
      if (b.wireIndex == wireIndex) {
        return b;
      }
    }
    return null;
  }

  private void send(StreamEvent event) {
    emittedAny = true;
    emit(event);
  }

  /** Usage is cumulative: each field the event carries replaces the one held (message_delta wins). */
  private void mergeUsage() {
    if (uInput != ABSENT) {
      input = uInput;
    }
    if (uOutput != ABSENT) {
      output = uOutput;
    }
    if (uCacheRead != ABSENT) {
      cacheRead = uCacheRead;
    }
    if (uCacheWrite != ABSENT) {
      cacheWrite = uCacheWrite;
    }
    if (uReasoning != ABSENT) {
      reasoning = uReasoning;
    }
    // Usage.inputTokens counts cache reads and writes, which Anthropic reports apart.
    send(Usage.of(input + cacheRead + cacheWrite, output, cacheRead, cacheWrite, reasoning));
  }

  // --- Reading one payload ---

  private void read(String payload) throws IOException {
    data = payload;
    type = null;
    wireIndex = -1;
    id = null;
    model = null;
    hasUsage = false;
    blockType = null;
    blockId = null;
    blockName = null;
    blockText = null;
    blockSignature = null;
    inputFrom = -1;
    deltaType = null;
    deltaText = null;
    deltaStopReason = null;
    errorType = null;
    errorMessage = null;
    try (JsonParser p = JsonChecks.FACTORY.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "type":
            type = string(p, t);
            break;
          case "index":
            if (t == JsonToken.VALUE_NUMBER_INT) {
              wireIndex = p.getIntValue();
            }
            break;
          case "message":
            readMessage(p, t);
            break;
          case "content_block":
            readBlock(p, t);
            break;
          case "delta":
            readDelta(p, t);
            break;
          case "usage":
            readUsage(p, t);
            break;
          case "error":
            readError(p, t);
            break;
          default:
            p.skipChildren();
            break;
        }
      }
      // Trailing spaces after the JSON occur on real data lines; anything else is malformed.
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "unexpected content after the JSON object");
      }
    }
  }

  private void readMessage(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "id":
          id = string(p, v);
          break;
        case "model":
          model = string(p, v);
          break;
        case "stop_reason":
          // Programmatic tool calling sends whole messages whose message_start already holds
          // the stop reason (and the content, which is not read: the reference ignores it too).
          deltaStopReason = string(p, v);
          break;
        case "usage":
          readUsage(p, v);
          break;
        default:
          p.skipChildren();
          break;
      }
    }
  }

  private void readBlock(JsonParser p, JsonToken t) throws IOException {
    blockFrom = (int) p.currentTokenLocation().getCharOffset();
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "type":
          blockType = string(p, v);
          break;
        case "id":
          blockId = string(p, v);
          break;
        case "name":
          blockName = string(p, v);
          break;
        case "text":
        case "thinking":
          blockText = string(p, v);
          break;
        case "signature":
        case "data":
          blockSignature = string(p, v);
          break;
        case "input":
          inputFrom = (int) p.currentTokenLocation().getCharOffset();
          p.skipChildren();
          inputTo = (int) p.currentLocation().getCharOffset();
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    blockTo = (int) p.currentLocation().getCharOffset();
  }

  private void readDelta(JsonParser p, JsonToken t) throws IOException {
    deltaFrom = (int) p.currentTokenLocation().getCharOffset();
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "type":
          deltaType = string(p, v);
          break;
        case "text":
        case "partial_json":
        case "thinking":
        case "signature":
          deltaText = string(p, v);
          break;
        case "stop_reason":
          deltaStopReason = string(p, v);
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    deltaTo = (int) p.currentLocation().getCharOffset();
  }

  private void readUsage(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    hasUsage = true;
    uInput = ABSENT;
    uOutput = ABSENT;
    uCacheRead = ABSENT;
    uCacheWrite = ABSENT;
    uReasoning = ABSENT;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "input_tokens":
          uInput = count(p, v);
          break;
        case "output_tokens":
          uOutput = count(p, v);
          break;
        case "cache_read_input_tokens":
          uCacheRead = count(p, v);
          break;
        case "cache_creation_input_tokens":
          uCacheWrite = count(p, v);
          break;
        case "output_tokens_details":
          if (v == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String inner = p.currentName();
              JsonToken iv = p.nextToken();
              if ("thinking_tokens".equals(inner)) {
                uReasoning = count(p, iv);
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
          break;
      }
    }
  }

  private void readError(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("type".equals(field)) {
        errorType = string(p, v);
      } else if ("message".equals(field)) {
        errorMessage = string(p, v);
      } else {
        p.skipChildren();
      }
    }
  }

  private static String string(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private static long count(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    p.skipChildren();
    return ABSENT;
  }

  /** A sequence of events that breaks the message lifecycle; it ends the stream as malformed. */
  private static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super("protocol error: " + message);
    }
  }
}
