package io.sluice.core.testing;

import io.sluice.core.event.BlockEvent;
import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Done;
import io.sluice.core.event.Logprobs;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.RefusalEnd;
import io.sluice.core.event.RefusalStart;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.ServerToolDelta;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolResult;
import io.sluice.core.event.ServerToolStart;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.TextStart;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The event grammar as an executable check: {@link ResponseStarted} at most once and first; each
 * block's start before its deltas and end, of the same kind, its (choice, index) used once; nothing
 * of a block after its end; at most one {@link ChoiceFinished} per choice and nothing of that
 * choice after it; exactly one terminal
 * event, last; after {@link Done} no block is left open (after a failure open blocks may remain).
 */
public final class EventGrammar {
  private EventGrammar() {}

  private enum Kind { TEXT, REFUSAL, REASONING, TOOL, SERVER_TOOL }

  /** Throws an {@link AssertionError} naming the first violation and its position. */
  public static void check(List<StreamEvent> events) {
    Map<Long, Kind> open = new HashMap<>();
    Set<Long> closed = new HashSet<>();
    Set<Integer> finishedChoices = new HashSet<>();
    if (events.isEmpty()) {
      throw new AssertionError("no events: a stream must end with exactly one terminal event");
    }
    for (int i = 0; i < events.size(); i++) {
      StreamEvent e = events.get(i);
      String at = " at event " + i + " (" + e + ")";
      if (e instanceof StreamEvent.Terminal) {
        if (i != events.size() - 1) {
          throw new AssertionError("terminal event is not last" + at);
        }
        if (e instanceof Done && !open.isEmpty()) {
          throw new AssertionError("done with blocks still open " + open.keySet() + at);
        }
        return;
      }
      if (e instanceof ResponseStarted && i != 0) {
        throw new AssertionError("ResponseStarted must come first, once" + at);
      }
      if (e instanceof ChoiceFinished && !finishedChoices.add(((ChoiceFinished) e).choice())) {
        throw new AssertionError("choice finished twice" + at);
      }
      if (e instanceof BlockEvent) {
        BlockEvent b = (BlockEvent) e;
        if (finishedChoices.contains(b.choice())) {
          throw new AssertionError("block event after its choice finished" + at);
        }
        long key = ((long) b.choice() << 32) | (b.index() & 0xffffffffL);
        if (closed.contains(key)) {
          throw new AssertionError("block " + b.choice() + "/" + b.index() + " used after its end"
              + at);
        }
        if (e instanceof OpaqueBlock || e instanceof ServerToolResult) {
          if (open.containsKey(key)) {
            throw new AssertionError("whole block on an open index" + at);
          }
          closed.add(key);
          continue;
        }
        if (e instanceof CitationAdded && open.get(key) != Kind.TEXT) {
          throw new AssertionError("citation outside an open text block" + at);
        }
        if (e instanceof Logprobs && open.get(key) != Kind.TEXT && open.get(key) != Kind.REFUSAL) {
          throw new AssertionError("log probabilities outside an open text or refusal block" + at);
        }
        if (e instanceof CitationAdded || e instanceof Logprobs) {
          continue;
        }
        Kind kind = kindOf(e);
        if (isStart(e)) {
          if (open.containsKey(key)) {
            throw new AssertionError("block started twice" + at);
          }
          open.put(key, kind);
        } else {
          Kind started = open.get(key);
          if (started == null) {
            throw new AssertionError("delta or end before the block's start" + at);
          }
          if (started != kind) {
            throw new AssertionError("block started as " + started + " continues as " + kind + at);
          }
          if (isEnd(e)) {
            open.remove(key);
            closed.add(key);
          }
        }
      }
    }
    throw new AssertionError("no terminal event: the last is " + events.get(events.size() - 1));
  }

  private static Kind kindOf(StreamEvent e) {
    if (e instanceof TextStart || e instanceof TextDelta || e instanceof TextEnd) {
      return Kind.TEXT;
    }
    if (e instanceof RefusalStart || e instanceof RefusalDelta || e instanceof RefusalEnd) {
      return Kind.REFUSAL;
    }
    if (e instanceof ReasoningStart || e instanceof ReasoningDelta || e instanceof ReasoningEnd) {
      return Kind.REASONING;
    }
    if (e instanceof ServerToolStart || e instanceof ServerToolDelta
        || e instanceof ServerToolEnd) {
      return Kind.SERVER_TOOL;
    }
    return Kind.TOOL;
  }

  private static boolean isStart(StreamEvent e) {
    return e instanceof TextStart || e instanceof RefusalStart || e instanceof ReasoningStart
        || e instanceof ToolCallStart || e instanceof ServerToolStart;
  }

  private static boolean isEnd(StreamEvent e) {
    return e instanceof TextEnd || e instanceof RefusalEnd || e instanceof ReasoningEnd
        || e instanceof ToolCallEnd || e instanceof ServerToolEnd;
  }

}
