package io.sluice.core.internal.codec.chat;

import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Logprobs;
import io.sluice.core.event.Done;
import io.sluice.core.event.FinishReason;
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
 * Decodes an OpenAI Chat Completions stream (and the Azure, Mistral, DeepSeek, xAI, vLLM, NIM
 * dialects) into model events (docs/wire-formats.md §a, §d).
 *
 * <p>Per choice, text, reasoning and refusal each have one block, opened on the first non-empty
 * delta of its kind; each tool call has its own block. A tool call whose arguments parse as JSON
 * ends when the next call starts (OpenAI sends calls in turn); every other block stays open until
 * its choice's {@code finish_reason} (they close then, in block-index order, before
 * {@link ChoiceFinished}) or until {@code [DONE]}: Chat has no per-block end, and a lone call's
 * arguments may parse as JSON before their last fragment arrives. Deltas for a choice that already finished are ignored: the
 * only ones seen in practice are Azure filter annotations and empty sentinels.
 */
final class ChatStreamDecoder extends BaseStreamDecoder {

  /** One open text, reasoning or refusal block, or a tool call. */
  private static final class Block {
    final ChatEventFields.OpKind kind;
    int index = -1; // -1 while a tool call waits for its name
    final StringBuilder text = new StringBuilder();
    // Tool calls only:
    int key;
    int ordinal;
    boolean superseded;
    /** Ended when the next call started: complete arguments, and Chat sends calls in turn. */
    boolean closed;
    String id = "";
    String name = "";

    Block(ChatEventFields.OpKind kind) {
      this.kind = kind;
    }
  }

  /** The state of one choice. */
  private static final class ChoiceState {
    final int choice;
    boolean finished;
    String rawReason = "";
    int nextIndex;
    int nextOrdinal;
    Block text;
    Block reasoning;
    Block refusal;
    final List<Block> tools = new ArrayList<>(2);
    /** Started blocks, in block-index order. */
    final List<Block> open = new ArrayList<>(4);

    ChoiceState(int choice) {
      this.choice = choice;
    }
  }

  private final ChatEventFields chunk = new ChatEventFields();
  private final List<ChoiceState> choices = new ArrayList<>(1);
  private boolean emittedAny;
  private Usage lastUsage;

  ChatStreamDecoder(Consumer<StreamEvent> sink) {
    super(sink);
  }

  @Override
  protected void decode(String name, byte[] data, int offset, int length) throws IOException {
    // The sentinel is not JSON; openai-python compares with startsWith too.
    if (startsWith(data, offset, length, "[DONE]")) {
      done();
      return;
    }
    chunk.read(data, offset, length);
    if (chunk.hasError) {
      finish(ChatErrors.inStream(chunk.error));
      return;
    }
    if (!emittedAny && (!chunk.id.isEmpty() || !chunk.model.isEmpty())) {
      // Azure's first chunk has an empty id and model: wait for one that names the response.
      out(new ResponseStarted(chunk.id, chunk.model, chunk.created, ""));
    }
    for (int i = 0; i < chunk.choiceCount; i++) {
      apply(chunk.choices.get(i));
    }
    if (chunk.usage != null) {
      usage(chunk.usage);
    }
  }

  @Override
  protected boolean isTerminal(String name, String data) {
    return data.startsWith("[DONE]");
  }

  @Override
  protected void endOfInput(SseEnd end) {
    // Without [DONE] the stream was cut: the base class reports it as truncated.
  }

  private void out(StreamEvent event) {
    emittedAny = true;
    chunk.wantMeta = false;
    emit(event);
  }

  private ChoiceState state(int choice) {
    for (int i = 0; i < choices.size(); i++) {
      if (choices.get(i).choice == choice) {
        return choices.get(i);
      }
    }
    ChoiceState s = new ChoiceState(choice);
    choices.add(s);
    return s;
  }

  private void apply(ChatEventFields.Choice c) throws IOException {
    ChoiceState s = state(c.index);
    if (s.finished) {
      return;
    }
    for (int i = 0; i < c.opCount; i++) {
      ChatEventFields.Op op = c.ops.get(i);
      switch (op.kind) {
        case TEXT:
          s.text = textDelta(s, s.text, ChatEventFields.OpKind.TEXT, op.text);
          break;
        case REASONING:
          s.reasoning = textDelta(s, s.reasoning, ChatEventFields.OpKind.REASONING, op.text);
          break;
        case REFUSAL:
          s.refusal = textDelta(s, s.refusal, ChatEventFields.OpKind.REFUSAL, op.text);
          break;
        default:
          toolFragment(s, op);
      }
    }
    for (int i = 0; i < c.annotations.size(); i++) {
      // A citation arrives on a delta of its own, after the text it cites.
      s.text = ensure(s, s.text, ChatEventFields.OpKind.TEXT);
      out(new CitationAdded(s.choice, s.text.index, Annotations.citation(c.annotations.get(i))));
    }
    if (!c.contentLogprobs.isEmpty()) {
      s.text = ensure(s, s.text, ChatEventFields.OpKind.TEXT);
      out(new Logprobs(s.choice, s.text.index, c.contentLogprobs));
    }
    if (!c.refusalLogprobs.isEmpty()) {
      s.refusal = ensure(s, s.refusal, ChatEventFields.OpKind.REFUSAL);
      out(new Logprobs(s.choice, s.refusal.index, c.refusalLogprobs));
    }
    if (c.finishReason != null) {
      s.rawReason = c.finishReason;
      closeAll(s);
      s.finished = true;
      out(new ChoiceFinished(s.choice, FinishReasons.fromChat(c.finishReason), c.finishReason));
    }
  }

  private Block ensure(ChoiceState s, Block block, ChatEventFields.OpKind kind) {
    if (block == null) {
      block = new Block(kind);
      start(s, block);
    }
    return block;
  }

  private Block textDelta(ChoiceState s, Block block, ChatEventFields.OpKind kind, String text) {
    if (block == null) {
      block = new Block(kind);
      start(s, block);
    }
    block.text.append(text);
    switch (kind) {
      case TEXT:
        out(new TextDelta(s.choice, block.index, text));
        break;
      case REASONING:
        out(new ReasoningDelta(s.choice, block.index, text));
        break;
      default:
        out(new RefusalDelta(s.choice, block.index, text));
    }
    return block;
  }

  private void start(ChoiceState s, Block block) {
    block.index = s.nextIndex++;
    s.open.add(block);
    switch (block.kind) {
      case TEXT:
        out(new TextStart(s.choice, block.index));
        break;
      case REASONING:
        out(new ReasoningStart(s.choice, block.index, ReasoningKind.THINKING, ""));
        break;
      case REFUSAL:
        out(new RefusalStart(s.choice, block.index));
        break;
      default:
        endFinishedCalls(s, block);
        block.ordinal = s.nextOrdinal++;
        out(new ToolCallStart(s.choice, block.index, block.ordinal, block.id, block.name,
            ToolKind.FUNCTION));
        if (block.text.length() > 0) {
          // Arguments that came before the name go out as one delta once the call can start.
          out(new ToolCallDelta(s.choice, block.index, block.ordinal, block.id, block.name,
              block.text.toString()));
        }
    }
  }

  /**
   * A call whose arguments already parse ends when the next call starts: OpenAI sends parallel
   * calls one after the other, so a client can run the first while the next streams. A call whose
   * arguments do not parse yet stays open until the finish, for servers that interleave calls.
   */
  private void endFinishedCalls(ChoiceState s, Block next) {
    for (int i = 0; i < s.open.size(); ) {
      Block b = s.open.get(i);
      if (b != next && b.kind == ChatEventFields.OpKind.TOOL && b.index >= 0
          && JsonChecks.isValid(b.text.toString())) {
        s.open.remove(i);
        b.closed = true;
        endTool(s, b);
      } else {
        i++;
      }
    }
  }

  private void endTool(ChoiceState s, Block b) {
    String text = b.text.toString();
    out(new ToolCallEnd(s.choice, b.index, b.ordinal, b.id, b.name, ToolKind.FUNCTION, text,
        JsonChecks.isValid(text)));
  }

  /**
   * One entry of {@code delta.tool_calls}. The call is found by its {@code index}, or by its
   * position in the delta when the index is missing (Mistral sends several whole calls in one
   * delta). A different non-empty id at the same key is a new call: servers that repeat the id on
   * every fragment (vLLM) repeat the same one. A call starts once it has a name; a fragment with
   * nothing in it (an empty sentinel) never creates one.
   */
  private void toolFragment(ChoiceState s, ChatEventFields.Op op) throws IOException {
    int key = op.toolIndex >= 0 ? op.toolIndex : op.position;
    String id = op.id == null ? "" : op.id;
    String name = op.name == null ? "" : op.name;
    String args = op.arguments == null ? "" : op.arguments;
    Block call = findTool(s, key);
    if (call != null && !id.isEmpty() && !call.id.isEmpty() && !id.equals(call.id)) {
      call.superseded = true;
      call = null;
    }
    if (call != null && call.closed) {
      if (args.isBlank()) {
        return; // a repeated id or name, or whitespace: nothing the ended call lacks
      }
      throw new IOException("arguments for tool call " + call.ordinal
          + " after it ended: its arguments were complete JSON when the next call started");
    }
    if (call == null) {
      if (id.isEmpty() && name.isEmpty() && args.isEmpty()) {
        return;
      }
      call = new Block(ChatEventFields.OpKind.TOOL);
      call.key = key;
      s.tools.add(call);
    }
    if (call.id.isEmpty() && !id.isEmpty()) {
      call.id = id;
    }
    if (call.name.isEmpty() && !name.isEmpty()) {
      call.name = name; // later repeats, often "" (Mistral GLM), are ignored
    }
    boolean started = call.index >= 0;
    if (!args.isEmpty()) {
      call.text.append(args);
    }
    if (!started && !call.name.isEmpty()) {
      start(s, call); // emits what arguments came so far
    } else if (started && !args.isEmpty()) {
      out(new ToolCallDelta(s.choice, call.index, call.ordinal, call.id, call.name, args));
    }
  }

  private static Block findTool(ChoiceState s, int key) {
    for (int i = s.tools.size() - 1; i >= 0; i--) {
      Block b = s.tools.get(i);
      if (b.key == key && !b.superseded) {
        return b;
      }
    }
    return null;
  }

  private void closeAll(ChoiceState s) {
    // A call that got an id or arguments but never a name still happened: it starts nameless.
    for (Block call : s.tools) {
      if (call.index < 0) {
        start(s, call);
      }
    }
    for (Block b : s.open) {
      String text = b.text.toString();
      switch (b.kind) {
        case TEXT:
          out(new TextEnd(s.choice, b.index, text));
          break;
        case REASONING:
          out(new ReasoningEnd(s.choice, b.index, ReasoningKind.THINKING, text, ""));
          break;
        case REFUSAL:
          out(new RefusalEnd(s.choice, b.index, text));
          break;
        default:
          endTool(s, b);
      }
    }
    s.open.clear();
    s.tools.clear();
    s.text = s.reasoning = s.refusal = null;
  }

  private void usage(Usage usage) {
    // Some servers repeat the cumulative usage on every chunk: report it when it changes.
    if (!usage.equals(lastUsage)) {
      lastUsage = usage;
      out(usage);
    }
  }

  private void done() {
    String raw = "";
    for (ChoiceState s : choices) {
      if (!s.finished) {
        closeAll(s);
      } else if (s.choice == 0) {
        raw = s.rawReason;
      }
    }
    FinishReason reason = raw.isEmpty() ? FinishReason.STOP : FinishReasons.fromChat(raw);
    finish(new Done(reason, raw));
  }
}
