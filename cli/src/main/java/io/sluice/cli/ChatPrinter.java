package io.sluice.cli;

import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import io.sluice.core.event.Usage;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints a chat as it streams: text as it comes, reasoning dimmed on a terminal, tool calls with
 * their arguments as they stream; or each event as a JSON line. Measures time to first token.
 */
final class ChatPrinter {
  private static final String DIM = "\u001b[2m";
  private static final String RESET = "\u001b[0m";

  private final PrintWriter out;
  private final boolean json;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private long firstToken;
  private long ended;
  private long deltas;
  private boolean midLine;
  private boolean inReasoning;
  private Usage usage;
  private String finish = "";
  private Failed failure;

  ChatPrinter(PrintWriter out, boolean json, boolean terminal) {
    this.out = out;
    this.json = json;
    this.terminal = terminal;
  }

  void accept(StreamEvent event) {
    if (event instanceof TextDelta || event instanceof ReasoningDelta
        || event instanceof RefusalDelta || event instanceof ToolCallDelta) {
      deltas++;
      if (firstToken == 0) {
        firstToken = System.nanoTime();
      }
    }
    if (event instanceof Usage) {
      usage = (Usage) event;
    } else if (event instanceof Done) {
      Done done = (Done) event;
      finish = done.rawReason().isEmpty() ? done.reason().wireName() : done.rawReason();
      ended = System.nanoTime();
    } else if (event instanceof Failed) {
      failure = (Failed) event;
      finish = "failed";
      ended = System.nanoTime();
    }
    if (json) {
      out.println(EventJson.of(event));
      out.flush();
      return;
    }
    print(event);
  }

  private void print(StreamEvent event) {
    if (event instanceof ReasoningDelta && ((ReasoningDelta) event).choice() == 0) {
      if (!inReasoning && terminal) {
        out.print(DIM);
      }
      inReasoning = true;
      write(((ReasoningDelta) event).text());
      return;
    }
    if (inReasoning && (event instanceof ReasoningEnd || !(event instanceof ReasoningDelta))) {
      inReasoning = false;
      if (terminal) {
        out.print(RESET);
      }
      endLine();
    }
    if (event instanceof TextDelta && ((TextDelta) event).choice() == 0) {
      write(((TextDelta) event).text());
    } else if (event instanceof RefusalDelta && ((RefusalDelta) event).choice() == 0) {
      write(((RefusalDelta) event).text());
    } else if (event instanceof ToolCallStart && ((ToolCallStart) event).choice() == 0) {
      endLine();
      write("[tool call " + ((ToolCallStart) event).name() + " ");
    } else if (event instanceof ToolCallDelta && ((ToolCallDelta) event).choice() == 0) {
      write(((ToolCallDelta) event).arguments());
    } else if (event instanceof ToolCallEnd && ((ToolCallEnd) event).choice() == 0) {
      write("]");
      endLine();
    }
  }

  private void write(String text) {
    if (text.isEmpty()) {
      return;
    }
    out.print(text);
    out.flush();
    midLine = !text.endsWith("\n");
  }

  /** Ends a line left open by streamed text. */
  void endLine() {
    if (inReasoning && terminal) {
      out.print(RESET);
      inReasoning = false;
    }
    if (midLine) {
      out.println();
      midLine = false;
    }
    out.flush();
  }

  Failed failure() {
    return failure;
  }

  /** One line: time to first token, tokens per second, usage, finish reason. */
  String summary() {
    long end = ended != 0 ? ended : System.nanoTime();
    StringBuilder sb = new StringBuilder("[");
    if (firstToken != 0) {
      sb.append("first token ").append(seconds(firstToken - started)).append(" s");
      long out = usage != null && usage.outputTokens() > 0 ? usage.outputTokens() : deltas;
      double span = (end - firstToken) / 1e9;
      if (span > 0) {
        sb.append(" · ").append(String.format(Locale.ROOT, "%.1f", out / span))
            .append(" tokens/s");
      }
    } else {
      sb.append("no tokens");
    }
    if (usage != null) {
      sb.append(" · ").append(usage.inputTokens()).append(" in, ").append(usage.outputTokens())
          .append(" out");
      if (usage.reasoningTokens() > 0) {
        sb.append(" (").append(usage.reasoningTokens()).append(" reasoning)");
      }
    }
    sb.append(" · ").append(finish.isEmpty() ? "unfinished" : finish).append(']');
    return sb.toString();
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
  }
}
