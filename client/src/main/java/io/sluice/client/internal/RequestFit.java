package io.sluice.client.internal;

import io.sluice.client.ClientException;
import io.sluice.client.ProviderKind;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.GenerationOptions;
import io.sluice.core.message.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refuses, before anything is sent, a request that the provider's format would not carry as
 * asked: an option the format has no field for (the codec would leave it out), or an {@code extra}
 * field that collides with one the codec writes itself (the body would hold it twice, or the
 * codec would drop one of the two). Silently sending less than was asked is the failure this
 * exists for: a {@code responseFormat} dropped on the way to Anthropic gives free text where JSON
 * was expected.
 */
public final class RequestFit {
  private RequestFit() {}

  /** @throws ClientException naming every problem, when there is one */
  public static void check(ProviderKind kind, ChatRequest request) {
    List<String> problems = problems(kind, request);
    if (!problems.isEmpty()) {
      throw new ClientException("the request does not fit " + kind + ": "
          + String.join("; ", problems), false);
    }
  }

  static List<String> problems(ProviderKind kind, ChatRequest r) {
    GenerationOptions o = r.options();
    List<String> problems = new ArrayList<>();
    // The wire field each set option becomes, in this format.
    Map<String, String> written = new LinkedHashMap<>();
    written.put("model", "the model");
    written.put("stream", "the call (stream() streams; complete() sends stream(false) as such)");
    switch (kind) {
      case ANTHROPIC -> {
        unsupported(problems, o.responseFormat().isPresent(), "responseFormat",
            "Anthropic has no response_format; pass its own field in extra (output_format)");
        unsupported(problems, o.seed().isPresent(), "seed", "Anthropic has no seed");
        unsupported(problems, o.reasoningSummary().isPresent(), "reasoningSummary",
            "a Responses option");
        written.put("messages", "the messages");
        written.put("max_tokens", "maxTokens (sent always: the API requires it)");
        if (r.messages().stream().anyMatch(m -> m.role() == Role.SYSTEM)) {
          written.put("system", "the system messages");
        }
        option(written, !r.tools().isEmpty(), "tools", "the tools");
        option(written, o.toolChoice().isPresent(), "tool_choice", "toolChoice");
        option(written, o.temperature().isPresent(), "temperature", "temperature");
        option(written, o.topP().isPresent(), "top_p", "topP");
        option(written, !o.stop().isEmpty(), "stop_sequences", "stop");
        // The codec leaves reasoningEffort out when extra carries thinking: say so instead.
        option(written, o.reasoningEffort().isPresent(), "thinking", "reasoningEffort");
      }
      case OPENAI_RESPONSES -> {
        unsupported(problems, !o.stop().isEmpty(), "stop", "Responses has no stop sequences");
        unsupported(problems, o.seed().isPresent(), "seed", "Responses has no seed");
        written.put("input", "the messages");
        // In Responses an extra field replaces the modelled one; both set means one is lost.
        option(written, !r.tools().isEmpty(), "tools", "the tools");
        option(written, o.toolChoice().isPresent(), "tool_choice", "toolChoice");
        option(written, o.temperature().isPresent(), "temperature", "temperature");
        option(written, o.topP().isPresent(), "top_p", "topP");
        option(written, o.maxTokens().isPresent(), "max_output_tokens", "maxTokens");
        option(written, o.reasoningEffort().isPresent() || o.reasoningSummary().isPresent(),
            "reasoning", "reasoningEffort/reasoningSummary");
        option(written, o.responseFormat().isPresent(), "text", "responseFormat");
      }
      default -> { // Chat Completions: OpenAI, Azure, Mistral, compatible servers
        unsupported(problems, o.reasoningSummary().isPresent(), "reasoningSummary",
            "a Responses option; Chat Completions has no field for it");
        if (kind == ProviderKind.MISTRAL && r.extra().containsKey("stream_options")) {
          problems.add("extra 'stream_options' is never sent to Mistral, which rejects it");
        }
        boolean openAi = kind == ProviderKind.OPENAI_CHAT;
        written.put("messages", "the messages");
        option(written, !r.tools().isEmpty(), "tools", "the tools");
        option(written, o.toolChoice().isPresent(), "tool_choice", "toolChoice");
        option(written, o.temperature().isPresent(), "temperature", "temperature");
        option(written, o.topP().isPresent(), "top_p", "topP");
        option(written, o.maxTokens().isPresent(),
            openAi ? "max_completion_tokens" : "max_tokens", "maxTokens");
        option(written, !o.stop().isEmpty(), "stop", "stop");
        option(written, o.seed().isPresent(),
            kind == ProviderKind.MISTRAL ? "random_seed" : "seed", "seed");
        option(written, o.reasoningEffort().isPresent(), "reasoning_effort", "reasoningEffort");
        option(written, o.responseFormat().isPresent(), "response_format", "responseFormat");
      }
    }
    for (String field : r.extra().keySet()) {
      String owner = written.get(field);
      if (owner != null) {
        problems.add("extra '" + field + "' collides with " + owner
            + ", which the client writes itself");
      }
    }
    return problems;
  }

  private static void unsupported(List<String> problems, boolean set, String option, String why) {
    if (set) {
      problems.add(option + " cannot be sent (" + why + ")");
    }
  }

  private static void option(Map<String, String> written, boolean set, String field,
      String owner) {
    if (set) {
      written.put(field, owner);
    }
  }
}
