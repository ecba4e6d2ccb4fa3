package io.sluice.mock.internal;

import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Done;
import io.sluice.core.event.FinishReason;
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
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.Message;
import io.sluice.core.message.Tool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The model events of one simulated response, in order, made one at a time as they are asked
 * for: a stream of {@code tokens=50000000} sends its first byte after making three events, and
 * holds only the one it is about to send, however long it runs. Each step says whether it is a
 * token, which is what pacing counts: the first token waits for the time to first token, the next
 * ones follow at the tokens-per-second rate. The words are drawn from a seed made of the model and
 * the messages, so the same request gets the same answer.
 *
 * <p>A block's end event carries its finished text only when {@code keepText} says the answer
 * repeats it: a non-streaming body, and a Responses stream ({@code response.output_text.done},
 * {@code response.completed}). Chat and Anthropic streams never repeat it (their encoders write
 * nothing of an end event's text beyond what the deltas wrote), so their end events carry an
 * empty text and their memory stays the same at any length. {@link MockServer} bounds the
 * answers that keep their text ({@link MockBehaviour#MAX_KEPT_TOKENS}).
 */
final class ResponseScript implements Iterator<ResponseScript.Step> {
  private static final int ARGUMENT_CHUNK = 8;

  /** One event; {@code token} when it carries generated content. */
  record Step(StreamEvent event, boolean token) {}

  private enum State {
    STARTED, REASONING_START, REASONING_WORDS, TEXT_START, TEXT_WORDS, TOOL_START, TOOL_ARGUMENTS,
    USAGE, DONE, FINISHED
  }

  private final WireFormat format;
  private final ChatRequest request;
  private final boolean includeUsage;
  private final boolean keepText;
  private final long seed;
  private final SplittableRandom random;
  private final String suffix;
  private final int reasoning;
  private final int textTokens;
  private final boolean truncated;
  private final int calls;

  private State state = State.STARTED;
  private long produced;
  /** The block index of the next block to open. */
  private int index;
  /** Words of the current reasoning or text block written so far. */
  private int word;
  /** The text of the current block, when {@code keepText}. */
  private StringBuilder text;
  private long argumentTokens;
  private int call;
  private String callId;
  private Tool tool;
  private String arguments;
  private int argumentsAt;

  private ResponseScript(WireFormat format, ChatRequest request, MockBehaviour behaviour,
      boolean includeUsage, boolean keepText, long serial) {
    this.format = format;
    this.request = request;
    this.includeUsage = includeUsage;
    this.keepText = keepText;
    this.seed = seed(request);
    this.random = new SplittableRandom(seed);
    this.suffix = Long.toHexString(seed & 0xffffffffL) + Long.toHexString(serial);
    int budget = request.options().maxTokens().orElse(Integer.MAX_VALUE);
    this.reasoning = Math.min(behaviour.reasoningTokens(), budget);
    budget -= reasoning;
    this.textTokens = Math.min(behaviour.tokens(), budget);
    this.truncated = behaviour.tokens() > budget;
    this.calls = truncated ? 0 : behaviour.tools();
  }

  /**
   * @param includeUsage whether to report usage at all
   * @param keepText whether end events carry their block's whole text (see the class comment)
   * @param serial makes ids unique within one server
   */
  static ResponseScript of(WireFormat format, ChatRequest request, MockBehaviour behaviour,
      boolean includeUsage, boolean keepText, long serial) {
    return new ResponseScript(format, request, behaviour, includeUsage, keepText, serial);
  }

  /** Every step of a bounded answer, for a non-streaming body. */
  static List<Step> all(ResponseScript script) {
    List<Step> steps = new ArrayList<>();
    script.forEachRemaining(steps::add);
    return steps;
  }

  /** The number of tokens in the steps, for the non-streaming delay. */
  static int tokenCount(List<Step> steps) {
    int n = 0;
    for (Step step : steps) {
      if (step.token()) {
        n++;
      }
    }
    return n;
  }

  /** How many steps {@link #next()} has made so far. */
  long produced() {
    return produced;
  }

  @Override
  public boolean hasNext() {
    return state != State.FINISHED;
  }

  @Override
  public Step next() {
    Step step = make();
    if (step == null) {
      throw new NoSuchElementException("the script has ended");
    }
    produced++;
    return step;
  }

  /** One state machine step: the next event, moving on past states that have nothing to say. */
  private Step make() {
    while (true) {
      switch (state) {
        case STARTED:
          state = State.REASONING_START;
          return new Step(new ResponseStarted(responseId(format, suffix), request.model(),
              System.currentTimeMillis() / 1000, ""), false);
        case REASONING_START:
          state = State.TEXT_START;
          if (reasoning > 0) {
            state = State.REASONING_WORDS;
            startBlock();
            return new Step(new ReasoningStart(0, index, reasoningKind(),
                format == WireFormat.OPENAI_RESPONSES ? "rs_" + suffix : ""), false);
          }
          break;
        case REASONING_WORDS:
          if (word < reasoning) {
            return new Step(new ReasoningDelta(0, index, nextWord(reasoning)), true);
          }
          state = State.TEXT_START;
          return new Step(new ReasoningEnd(0, index++, reasoningKind(), finishedText(),
              format == WireFormat.ANTHROPIC_MESSAGES ? "mock-signature-" + suffix : ""), false);
        case TEXT_START:
          state = State.TOOL_START;
          if (textTokens > 0) {
            state = State.TEXT_WORDS;
            startBlock();
            return new Step(new TextStart(0, index), false);
          }
          break;
        case TEXT_WORDS:
          if (word < textTokens) {
            return new Step(new TextDelta(0, index, nextWord(textTokens)), true);
          }
          state = State.TOOL_START;
          return new Step(new TextEnd(0, index++, finishedText()), false);
        case TOOL_START:
          if (call < calls) {
            List<Tool> tools = request.tools();
            tool = tools.get(call % tools.size());
            callId = (format == WireFormat.ANTHROPIC_MESSAGES ? "toolu_" : "call_") + suffix
                + "_" + call;
            arguments = ToolArguments.generate(tool.parametersSchema(), seed + call);
            argumentsAt = 0;
            state = State.TOOL_ARGUMENTS;
            return new Step(
                new ToolCallStart(0, index, call, callId, tool.name(), ToolKind.FUNCTION), false);
          }
          state = State.USAGE;
          break;
        case TOOL_ARGUMENTS:
          if (argumentsAt < arguments.length()) {
            return new Step(new ToolCallDelta(0, index, call, callId, tool.name(),
                nextArgumentChunk()), true);
          }
          Step end = new Step(new ToolCallEnd(0, index++, call, callId, tool.name(),
              ToolKind.FUNCTION, arguments, true), false);
          call++;
          state = State.TOOL_START;
          return end;
        case USAGE:
          state = State.DONE;
          if (includeUsage) {
            return new Step(Usage.of(inputTokens(request),
                (long) reasoning + textTokens + argumentTokens, 0, 0, reasoning), false);
          }
          break;
        case DONE:
          state = State.FINISHED;
          FinishReason reason = truncated ? FinishReason.LENGTH
              : calls > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP;
          return new Step(new Done(reason, rawReason(format, reason)), false);
        default:
          return null;
      }
    }
  }

  private ReasoningKind reasoningKind() {
    return format == WireFormat.OPENAI_RESPONSES ? ReasoningKind.SUMMARY : ReasoningKind.THINKING;
  }

  private void startBlock() {
    word = 0;
    text = keepText ? new StringBuilder() : null;
  }

  private String finishedText() {
    String whole = text == null ? "" : text.toString();
    text = null;
    return whole;
  }

  /** The next word of a block of {@code count}: capitalised first, a full stop after the last. */
  private String nextWord(int count) {
    String w = Words.word(random.nextInt(Words.COUNT));
    w = word == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : " " + w;
    if (word == count - 1) {
      w = w + ".";
    }
    word++;
    if (text != null) {
      text.append(w);
    }
    return w;
  }

  private String nextArgumentChunk() {
    int end = Math.min(arguments.length(), argumentsAt + ARGUMENT_CHUNK);
    // Never split a surrogate pair: each delta must be valid text on its own.
    if (end < arguments.length() && Character.isHighSurrogate(arguments.charAt(end - 1))) {
      end++;
    }
    String chunk = arguments.substring(argumentsAt, end);
    argumentsAt = end;
    argumentTokens++;
    return chunk;
  }

  private static long seed(ChatRequest request) {
    long h = request.model().hashCode();
    for (Message m : request.messages()) {
      h = h * 31 + m.role().ordinal();
      h = h * 1_000_003 + m.text().hashCode();
    }
    return h;
  }

  private static long inputTokens(ChatRequest request) {
    long n = 0;
    for (Message m : request.messages()) {
      String text = m.text().strip();
      n += 4 + (text.isEmpty() ? 0 : text.split("\\s+").length);
    }
    return n;
  }

  private static String responseId(WireFormat format, String suffix) {
    switch (format) {
      case OPENAI_CHAT:
        return "chatcmpl-mock" + suffix;
      case OPENAI_RESPONSES:
        return "resp_mock" + suffix;
      default:
        return "msg_mock" + suffix;
    }
  }

  private static String rawReason(WireFormat format, FinishReason reason) {
    if (format == WireFormat.ANTHROPIC_MESSAGES) {
      switch (reason) {
        case LENGTH:
          return "max_tokens";
        case TOOL_CALLS:
          return "tool_use";
        default:
          return "end_turn";
      }
    }
    if (format == WireFormat.OPENAI_RESPONSES) {
      return reason == FinishReason.LENGTH ? "max_output_tokens" : "";
    }
    return reason.wireName();
  }
}
