package io.sluice.client.internal.ws;

import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * What the server holds of a conversation, and the next turn's request given that.
 *
 * <p>The server holds the input and output of response {@code responseId}: in the caller's terms,
 * the messages {@code held} followed (when {@code expectAnswer}) by one assistant message, the
 * answer, which the caller appends in whatever form it keeps it. Instructions are not carried from
 * one response to the next (Responses API), so a leading system message that the encoder writes as
 * {@code instructions} is sent on every turn.
 *
 * @param responseId the response to continue from, or empty when nothing is held
 * @param held the messages of the request that produced it
 * @param expectAnswer whether the answer to {@code held} follows it in the next request
 */
record Continuation(String responseId, List<Message> held, boolean expectAnswer) {
  static final Continuation NONE = new Continuation("", List.of(), false);

  Continuation {
    held = List.copyOf(held);
  }

  /** After a completed turn answering {@code request}. */
  static Continuation answered(String responseId, ChatRequest request) {
    return responseId.isEmpty() ? NONE : new Continuation(responseId, request.messages(), true);
  }

  /** After a warm-up: the server holds the instructions (resent anyway) and nothing else. */
  static Continuation warmedUp(String responseId, ChatRequest request) {
    List<Message> m = request.messages();
    return responseId.isEmpty() ? NONE
        : new Continuation(responseId, instructions(request) ? m.subList(0, 1) : List.of(), false);
  }

  /** The request with only what the server lacks, or empty to send the full context. */
  java.util.Optional<ChatRequest> incremental(ChatRequest request) {
    if (responseId.isEmpty() || request.extra().containsKey("previous_response_id")) {
      return java.util.Optional.empty();
    }
    List<Message> m = request.messages();
    int known = held.size();
    if (m.size() < known || !m.subList(0, known).equals(held)) {
      return java.util.Optional.empty();
    }
    int from = known;
    if (expectAnswer) {
      if (m.size() <= known || m.get(known).role() != Role.ASSISTANT) {
        return java.util.Optional.empty();
      }
      from = known + 1;
    }
    if (from >= m.size()) {
      return java.util.Optional.empty(); // nothing new: the full context, as asked
    }
    List<Message> send = new ArrayList<>(m.size() - from + 1);
    if (instructions(request)) {
      send.add(m.get(0));
    }
    send.addAll(m.subList(Math.max(from, send.size()), m.size()));
    ChatRequest.Builder b = ChatRequest.builder(request.model()).messages(send)
        .options(request.options()).stream(request.stream());
    request.tools().forEach(b::tool);
    request.extra().forEach(b::extra);
    b.extra("previous_response_id", quote(responseId));
    return java.util.Optional.of(b.build());
  }

  /** Whether the encoder writes the first message as {@code instructions} (mirrors it). */
  static boolean instructions(ChatRequest request) {
    List<Message> m = request.messages();
    return !m.isEmpty() && m.get(0).role() == Role.SYSTEM
        && !request.extra().containsKey("instructions")
        && m.get(0).parts().stream().allMatch(Part.Text.class::isInstance);
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
