package io.sluice.gateway.mock;

import io.sluice.core.event.BlockEvent;
import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.Done;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.RefusalEnd;
import io.sluice.core.event.RefusalStart;
import io.sluice.core.event.ResponseStarted;
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
 * A copy of core's test grammar check (core has no test jar).
 *
 * The event grammar as an executable check: {@link ResponseStarted} at most once and first; each
 * block's start before its deltas and end, of the same kind, its (choice, index) used once; nothing
 * of a block after its end; at most one {@link ChoiceFinished} per choice; exactly one terminal
 * event, last; after {@link Done} no block is left open (after a failure open blocks may remain).
 */
final class EventGrammar {
  private EventGrammar() {}

  private enum Kind { TEXT, REFUSAL, REASONING, TOOL }

  /** Throws an {@link AssertionError} naming the first violation and its position. */
  static void check(List<StreamEvent> events) {
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
        long key = ((long) b.choice() << 32) | (b.index() & 0xffffffffL);
        if (closed.contains(key)) {
          throw new AssertionError("block " + b.choice() + "/" + b.index() + " used after its end"
              + at);
        }
        if (e instanceof OpaqueBlock) {
          if (open.containsKey(key)) {
            throw new AssertionError("opaque block on an open index" + at);
          }
          closed.add(key);
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
    return Kind.TOOL;
  }

  private static boolean isStart(StreamEvent e) {
    return e instanceof TextStart || e instanceof RefusalStart || e instanceof ReasoningStart
        || e instanceof ToolCallStart;
  }

  private static boolean isEnd(StreamEvent e) {
    return e instanceof TextEnd || e instanceof RefusalEnd || e instanceof ReasoningEnd
        || e instanceof ToolCallEnd;
  }

}
