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
import java.util.List;
import java.util.SplittableRandom;

/**
 * The model events of one simulated response, in order. Each step says whether it is a token,
 * which is what pacing counts: the first token waits for the time to first token, the next ones
 * follow at the tokens-per-second rate. The words are drawn from a seed made of the model and the
 * messages, so the same request gets the same answer.
 */
final class ResponseScript {
  private static final int ARGUMENT_CHUNK = 8;

  /** One event; {@code token} when it carries generated content. */
  record Step(StreamEvent event, boolean token) {}

  private ResponseScript() {}

  /**
   * @param includeUsage whether to report usage at all
   * @param serial makes ids unique within one server
   */
  static List<Step> of(WireFormat format, ChatRequest request, MockBehaviour behaviour,
      boolean includeUsage, long serial) {
    long seed = seed(request);
    SplittableRandom random = new SplittableRandom(seed);
    List<Step> steps = new ArrayList<>();
    String suffix = Long.toHexString(seed & 0xffffffffL) + Long.toHexString(serial);
    steps.add(new Step(new ResponseStarted(responseId(format, suffix), request.model(),
        System.currentTimeMillis() / 1000, ""), false));
    int maxTokens = request.options().maxTokens().orElse(Integer.MAX_VALUE);
    int budget = maxTokens;
    int index = 0;
    int reasoning = Math.min(behaviour.reasoningTokens(), budget);
    if (reasoning > 0) {
      ReasoningKind kind = format == WireFormat.OPENAI_RESPONSES ? ReasoningKind.SUMMARY
          : ReasoningKind.THINKING;
      String id = format == WireFormat.OPENAI_RESPONSES ? "rs_" + suffix : "";
      steps.add(new Step(new ReasoningStart(0, index, kind, id), false));
      String text = words(steps, random, reasoning, index, true);
      steps.add(new Step(new ReasoningEnd(0, index, kind, text,
          format == WireFormat.ANTHROPIC_MESSAGES ? "mock-signature-" + suffix : ""), false));
      index++;
      budget -= reasoning;
    }
    int textTokens = Math.min(behaviour.tokens(), budget);
    boolean truncated = behaviour.tokens() > budget;
    if (textTokens > 0) {
      steps.add(new Step(new TextStart(0, index), false));
      String text = words(steps, random, textTokens, index, false);
      steps.add(new Step(new TextEnd(0, index, text), false));
      index++;
      budget -= textTokens;
    }
    int argumentTokens = 0;
    int calls = truncated ? 0 : behaviour.tools();
    List<Tool> tools = request.tools();
    for (int call = 0; call < calls; call++) {
      Tool tool = tools.get(call % tools.size());
      String callId = (format == WireFormat.ANTHROPIC_MESSAGES ? "toolu_" : "call_") + suffix
          + "_" + call;
      String arguments = ToolArguments.generate(tool.parametersSchema(), seed + call);
      steps.add(new Step(
          new ToolCallStart(0, index, call, callId, tool.name(), ToolKind.FUNCTION),
          false));
      int at = 0;
      while (at < arguments.length()) {
        int end = Math.min(arguments.length(), at + ARGUMENT_CHUNK);
        // Never split a surrogate pair: each delta must be valid text on its own.
        if (end < arguments.length() && Character.isHighSurrogate(arguments.charAt(end - 1))) {
          end++;
        }
        steps.add(new Step(new ToolCallDelta(0, index, call, callId, tool.name(),
            arguments.substring(at, end)), true));
        argumentTokens++;
        at = end;
      }
      steps.add(new Step(new ToolCallEnd(0, index, call, callId, tool.name(), ToolKind.FUNCTION,
          arguments, true), false));
      index++;
    }
    if (includeUsage) {
      long input = inputTokens(request);
      steps.add(new Step(Usage.of(input, reasoning + textTokens + argumentTokens, 0, 0,
          reasoning), false));
    }
    FinishReason reason = truncated ? FinishReason.LENGTH
        : calls > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP;
    steps.add(new Step(new Done(reason, rawReason(format, reason)), false));
    return steps;
  }

  /** The number of tokens the script streams, for the non-streaming delay. */
  static int tokenCount(List<Step> steps) {
    int n = 0;
    for (Step step : steps) {
      if (step.token()) {
        n++;
      }
    }
    return n;
  }

  private static String words(List<Step> steps, SplittableRandom random, int count, int index,
      boolean reasoning) {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String word = Words.word(random.nextInt(Words.COUNT));
      if (i == 0) {
        word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
      } else {
        word = " " + word;
      }
      if (i == count - 1) {
        word = word + ".";
      }
      all.append(word);
      steps.add(new Step(reasoning ? new ReasoningDelta(0, index, word)
          : new TextDelta(0, index, word), true));
    }
    return all.toString();
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
