package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.LoopbackHttp.Answer;
import io.sluice.core.event.Done;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.FinalMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each provider kind streams through its own path, headers and decoder. */
class FormatsTest {

  private static final String ANTHROPIC = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}

      event: content_block_start
      data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

      event: ping
      data: {"type": "ping"}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

      event: content_block_stop
      data: {"type":"content_block_stop","index":0}

      event: message_delta
      data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}

      event: message_stop
      data: {"type":"message_stop"}

      """;

  private static final String RESPONSES = """
      event: response.created
      data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1,"status":"in_progress","model":"gpt-x","output":[],"usage":null}}

      event: response.output_item.added
      data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}}

      event: response.content_part.added
      data: {"type":"response.content_part.added","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"text":""}}

      event: response.output_text.delta
      data: {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hello"}

      event: response.output_text.done
      data: {"type":"response.output_text.done","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello"}

      event: response.content_part.done
      data: {"type":"response.content_part.done","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"text":"Hello"}}

      event: response.output_item.done
      data: {"type":"response.output_item.done","sequence_number":6,"output_index":0,"item":{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"Hello"}]}}

      event: response.completed
      data: {"type":"response.completed","sequence_number":7,"response":{"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"gpt-x","output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"Hello"}]}],"usage":{"input_tokens":5,"output_tokens":1,"total_tokens":6}}}

      """;

  @Test
  void anthropicStreamsFromV1Messages() throws Exception {
    Answer answer = new Answer(200, Map.of("content-type", "text/event-stream", "request-id", "req_a"),
        ANTHROPIC.getBytes(StandardCharsets.UTF_8));
    try (LoopbackHttp server = new LoopbackHttp(answer);
        SluiceClient client = Fixtures.client(ProviderKind.ANTHROPIC, server.root()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      List<StreamEvent> all = Fixtures.list(events);
      assertThat(((ResponseStarted) all.get(0)).requestId()).isEqualTo("req_a");
      assertThat(all.get(all.size() - 1)).isInstanceOf(Done.class);
      assertThat(server.received.get(0).path()).isEqualTo("/v1/messages");
    }
  }

  @Test
  void responsesStreamsFromResponses() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(RESPONSES));
        SluiceClient client = Fixtures.client(ProviderKind.OPENAI_RESPONSES, server.baseUrl())
            .build()) {
      FinalMessage message = client.complete(Fixtures.hello());
      assertThat(message.text()).isEqualTo("Hello");
      assertThat(message.outcome()).isInstanceOf(Done.class);
      assertThat(server.received.get(0).path()).isEqualTo("/v1/responses");
    }
  }

  @Test
  void mistralLeavesOutStreamOptions() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.client(ProviderKind.MISTRAL, server.baseUrl()).build()) {
      assertThat(client.complete(Fixtures.hello()).text()).isEqualTo("Hello, world");
      assertThat(server.received.get(0).body()).doesNotContain("stream_options");
    }
  }

  @Test
  void anOpenAiCompatibleServerNeedsNoKey() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = SluiceClient.create(ProviderSettings
            .builder(ProviderKind.OPENAI_COMPATIBLE).baseUrl(server.baseUrl()).apiKey("").build())) {
      assertThat(client.complete(Fixtures.hello()).text()).isEqualTo("Hello, world");
      assertThat(server.received.get(0).headers().containsKey("authorization")).isFalse();
    }
  }
}
