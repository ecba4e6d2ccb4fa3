package io.sluice.core.message;

import io.sluice.core.event.BlockEvent;
import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.Citation;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Logprobs;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ServerToolDelta;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolResult;
import io.sluice.core.event.ServerToolStart;
import io.sluice.core.event.TokenLogprob;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Assembles model events into the {@link FinalMessage}: each choice's parts in block order, finish
 * reasons, the last usage, the metadata and the terminal outcome. End events carry the finished
 * values and win over the deltas; a block left open by a failure keeps what its deltas brought.
 *
 * <p>While a tool call streams, {@link #partialArguments} offers its arguments completed to valid
 * JSON, scanned incrementally as each delta arrives. Not thread-safe: feed it from one thread.
 */
public final class MessageAccumulator implements Consumer<StreamEvent> {

  private String id = "";
  private String model = "";
  private long created;
  private Usage usage = Usage.ZERO;
  private StreamEvent.Terminal outcome;
  private final TreeMap<Integer, ChoiceState> choices = new TreeMap<>();
  /** The choice the last block event went to: consecutive events nearly always share it. */
  private ChoiceState lastChoice;
  private int lastChoiceIndex;

  private MessageAccumulator() {}

  /**
   * Starts an empty accumulator.
   *
   * @return the accumulator
   */
  public static MessageAccumulator create() {
    return new MessageAccumulator();
  }

  /** Builds the final message from a complete event sequence. */
  public static FinalMessage assemble(Iterable<StreamEvent> events) {
    MessageAccumulator accumulator = create();
    events.forEach(accumulator);
    return accumulator.result();
  }

  @Override
  public void accept(StreamEvent event) {
    if (outcome != null) {
      return;
    }
    // Every test is against a final class: a test against an interface (BlockEvent, Terminal)
    // on JDK 17 scans the class's secondary supertypes whenever its one-entry cache holds another
    // interface, and the Consumer bridge's cast to StreamEvent refills that cache on every event.
    Class<?> type = event.getClass();
    if (type == TextDelta.class) {
      TextDelta delta = (TextDelta) event;
      choice(delta.choice()).accept(delta);
    } else if (type == ToolCallDelta.class) {
      ToolCallDelta delta = (ToolCallDelta) event;
      choice(delta.choice()).accept(delta);
    } else if (type == ReasoningDelta.class) {
      ReasoningDelta delta = (ReasoningDelta) event;
      choice(delta.choice()).accept(delta);
    } else if (type == ResponseStarted.class) {
      ResponseStarted started = (ResponseStarted) event;
      id = started.id();
      model = started.model();
      created = started.created();
    } else if (type == Usage.class) {
      usage = (Usage) event;
    } else if (type == ChoiceFinished.class) {
      ChoiceFinished finished = (ChoiceFinished) event;
      ChoiceState state = choice(finished.choice());
      state.reason = finished.reason();
      state.rawReason = finished.rawReason();
    } else if (type == Done.class) {
      outcome = (Done) event;
    } else if (type == Failed.class) {
      outcome = (Failed) event;
    } else {
      BlockEvent block = (BlockEvent) event; // all StreamEvent permits besides those above
      choice(block.choice()).accept(block);
    }
  }

  /** True once the terminal event arrived. */
  public boolean finished() {
    return outcome != null;
  }

  /**
   * The arguments of a streaming tool call so far, completed to valid JSON; empty when the block
   * is not a tool call or nothing valid can be made of its arguments yet.
   */
  public Optional<String> partialArguments(int choice, int index) {
    ChoiceState state = choices.get(choice);
    BlockState block = state == null ? null : state.blocks.get(index);
    if (block == null || block.partial == null) {
      return Optional.empty();
    }
    return block.partial.completed();
  }

  /**
   * The final message. Asked before the terminal event, it reports what arrived so far as a
   * truncated stream.
   */
  public FinalMessage result() {
    StreamEvent.Terminal end = outcome != null ? outcome
        : new Failed(Failed.TRUNCATED, "", "the stream has not ended", 0, true);
    List<FinalMessage.Choice> list = new ArrayList<>();
    if (choices.isEmpty()) {
      choices.put(0, new ChoiceState());
    }
    choices.forEach((index, state) -> list.add(state.build(index, end)));
    return new FinalMessage(id, model, created, list, usage, end);
  }

  private ChoiceState choice(int index) {
    ChoiceState state = lastChoice;
    if (state == null || lastChoiceIndex != index) {
      state = choices.computeIfAbsent(index, i -> new ChoiceState());
      lastChoice = state;
      lastChoiceIndex = index;
    }
    return state;
  }

  private static final class ChoiceState {
    final TreeMap<Integer, BlockState> blocks = new TreeMap<>();
    FinishReason reason;
    String rawReason = "";
    /** The block the last event went to, and its index: deltas come in runs per block. */
    BlockState lastBlock;
    int lastIndex;

    void accept(BlockEvent event) {
      int index = event.index();
      BlockState block = lastBlock;
      if (block != null && lastIndex == index && !(event instanceof OpaqueBlock)
          && !(event instanceof ServerToolResult)) {
        block.accept(event);
        return;
      }
      if (event instanceof OpaqueBlock) {
        OpaqueBlock opaque = (OpaqueBlock) event;
        put(index, BlockState.done(new Part.Opaque(opaque.type(), opaque.json())));
        return;
      }
      if (event instanceof ServerToolResult r) {
        put(index, BlockState.done(new Part.ServerToolResult(r.toolUseId(), r.type(), r.json())));
        return;
      }
      block = blocks.get(index);
      if (block == null) {
        block = BlockState.start(event);
        if (block == null) {
          return; // A delta or end without its start: nothing to attach it to.
        }
        put(index, block);
        return;
      }
      lastBlock = block;
      lastIndex = index;
      block.accept(event);
    }

    private void put(int index, BlockState block) {
      blocks.put(index, block);
      lastBlock = block;
      lastIndex = index;
    }

    FinalMessage.Choice build(int index, StreamEvent.Terminal end) {
      List<Part> parts = new ArrayList<>(blocks.size());
      for (BlockState block : blocks.values()) {
        parts.add(block.part());
      }
      FinishReason finish = reason;
      String raw = rawReason;
      if (finish == null) {
        if (end instanceof Done) {
          finish = ((Done) end).reason();
          raw = ((Done) end).rawReason();
        } else {
          finish = FinishReason.ERROR;
        }
      }
      return new FinalMessage.Choice(index, new Message(Role.ASSISTANT, parts), finish, raw);
    }
  }

  /** One block under assembly; {@code finished} is set by its end event. */
  private static final class BlockState {
    final StringBuilder text = new StringBuilder();
    Part finished;
    char kind; // 't' text, 'r' refusal, 'z' reasoning, 'c' tool call, 's' server tool
    ReasoningKind reasoningKind;
    String id = "";
    String name = "";
    ToolKind toolKind;
    String type = "";
    PartialJson partial;
    List<Citation> citations;
    List<TokenLogprob> logprobs;

    static BlockState done(Part part) {
      BlockState block = new BlockState();
      block.finished = part;
      return block;
    }

    static BlockState start(BlockEvent event) {
      BlockState block = new BlockState();
      if (event instanceof TextStart) {
        block.kind = 't';
      } else if (event instanceof RefusalStart) {
        block.kind = 'r';
      } else if (event instanceof ReasoningStart) {
        block.kind = 'z';
        block.reasoningKind = ((ReasoningStart) event).kind();
        block.id = ((ReasoningStart) event).id();
      } else if (event instanceof ToolCallStart) {
        ToolCallStart start = (ToolCallStart) event;
        block.kind = 'c';
        block.id = start.id();
        block.name = start.name();
        block.toolKind = start.kind();
        block.partial = new PartialJson();
      } else if (event instanceof ServerToolStart) {
        ServerToolStart start = (ServerToolStart) event;
        block.kind = 's';
        block.id = start.id();
        block.name = start.name();
        block.type = start.type();
      } else {
        return null;
      }
      return block;
    }

    void accept(BlockEvent event) {
      if (finished != null) {
        return;
      }
      // The deltas first: they are nearly every event.
      if (event instanceof TextDelta) {
        text.append(((TextDelta) event).text());
      } else if (event instanceof ToolCallDelta) {
        String fragment = ((ToolCallDelta) event).arguments();
        text.append(fragment);
        partial.append(fragment);
      } else if (event instanceof ReasoningDelta) {
        text.append(((ReasoningDelta) event).text());
      } else if (event instanceof CitationAdded) {
        if (citations == null) {
          citations = new ArrayList<>(2);
        }
        citations.add(((CitationAdded) event).citation());
      } else if (event instanceof Logprobs) {
        if (logprobs == null) {
          logprobs = new ArrayList<>();
        }
        logprobs.addAll(((Logprobs) event).tokens());
      } else if (event instanceof ServerToolDelta) {
        text.append(((ServerToolDelta) event).input());
      } else if (event instanceof ServerToolEnd) {
        ServerToolEnd end = (ServerToolEnd) event;
        finished = new Part.ServerTool(end.id(), end.name(), end.type(), end.input(), end.json());
      } else if (event instanceof RefusalDelta) {
        text.append(((RefusalDelta) event).text());
      } else if (event instanceof TextEnd) {
        finished = new Part.Text(((TextEnd) event).text(), list(citations), list(logprobs));
      } else if (event instanceof RefusalEnd) {
        finished = new Part.Refusal(((RefusalEnd) event).text(), list(logprobs));
      } else if (event instanceof ReasoningEnd) {
        ReasoningEnd end = (ReasoningEnd) event;
        finished = new Part.Reasoning(end.kind(), end.text(), end.signature(), id);
      } else if (event instanceof ToolCallEnd) {
        ToolCallEnd end = (ToolCallEnd) event;
        finished = new Part.ToolCall(end.id(), end.name(), end.kind(), end.arguments());
        partial = null;
      }
    }

    private static <T> List<T> list(List<T> values) {
      return values == null ? List.of() : values;
    }

    Part part() {
      if (finished != null) {
        return finished;
      }
      switch (kind) {
        case 't':
          return new Part.Text(text.toString(), list(citations), list(logprobs));
        case 'r':
          return new Part.Refusal(text.toString(), list(logprobs));
        case 's':
          // A server tool a failure cut off: its input so far, and no finished item.
          return new Part.ServerTool(id, name, type, text.toString(), "{}");
        case 'z':
          return new Part.Reasoning(reasoningKind, text.toString(), "", id);
        default:
          return new Part.ToolCall(id, name, toolKind, text.toString());
      }
    }
  }
}
