package io.sluice.core.internal.codec.chat;

import static io.sluice.core.internal.codec.chat.ChatStreams.decode;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.event.Citation;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Done;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.Logprobs;
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
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.message.Part;
import io.sluice.core.sse.SseWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What Chat Completions attaches to text (docs/wire-formats.md §a): URL citations in
 * {@code delta.annotations}, token log probabilities in {@code choices[].logprobs}; the end of a
 * stream whose {@code [DONE]} lacks its blank line; and server tools, which Chat cannot carry.
 */
class ChatAnnotationsTest {

  private static final String CHUNK =
      "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\",";
  private static final String URL_CITATION = "{\"type\":\"url_citation\",\"url_citation\":"
      + "{\"start_index\":0,\"end_index\":5,\"url\":\"https://x\",\"title\":\"X\"}}";

  @Test
  void annotationsBecomeCitationsOfTheTextBlock() {
    var events = decode(CHUNK + """
        "choices":[{"index":0,"delta":{"role":"assistant","content":"Based"},"finish_reason":null}]}

        """ + CHUNK + """
        "choices":[{"index":0,"delta":{"annotations":[%s]},"finish_reason":null}]}

        """.formatted(URL_CITATION) + CHUNK + """
        "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

        data: [DONE]

        """);
    assertThat(events).containsSequence(new TextStart(0, 0), new TextDelta(0, 0, "Based"),
        new CitationAdded(0, 0, new Citation("url_citation", "https://x", "X", "", 0, 5,
            URL_CITATION)),
        new TextEnd(0, 0, "Based"));
    Part.Text text = (Part.Text) MessageAccumulator.assemble(events).message().parts().get(0);
    assertThat(text.citations()).extracting(Citation::url).containsExactly("https://x");
  }

  @Test
  void contentLogprobsFollowTheirDeltaAndReachTheFinalMessage() {
    var events = decode(CHUNK + """
        "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":{"content":[],"refusal":null},"finish_reason":null}]}

        """ + CHUNK + """
        "choices":[{"index":0,"delta":{"content":"Foo"},"logprobs":{"content":[{"token":"Foo","logprob":-0.25,"bytes":[70,111,111],"top_logprobs":[{"token":"Bar","logprob":-2.0,"bytes":[66,97,114]}]}],"refusal":null},"finish_reason":null}]}

        """ + CHUNK + """
        "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}

        data: [DONE]

        """);
    TokenLogprob foo = new TokenLogprob("Foo", -0.25, List.of(70, 111, 111),
        List.of(new TokenLogprob("Bar", -2.0, List.of(66, 97, 114), List.of())));
    assertThat(events).containsSequence(new TextDelta(0, 0, "Foo"),
        new Logprobs(0, 0, List.of(foo)), new TextEnd(0, 0, "Foo"));
    Part.Text text = (Part.Text) MessageAccumulator.assemble(events).message().parts().get(0);
    assertThat(text.logprobs()).containsExactly(foo);
  }

  @Test
  void refusalLogprobsBelongToTheRefusalBlock() {
    var events = decode(CHUNK + """
        "choices":[{"index":0,"delta":{"refusal":"No"},"logprobs":{"content":null,"refusal":[{"token":"No","logprob":-0.1,"bytes":[78,111],"top_logprobs":[]}]},"finish_reason":null}]}

        """ + CHUNK + """
        "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

        data: [DONE]

        """);
    assertThat(events).contains(new RefusalStart(0, 0), new Logprobs(0, 0,
        List.of(new TokenLogprob("No", -0.1, List.of(78, 111), List.of()))));
  }

  @Test
  void doneWithoutItsBlankLineEndsTheStream() {
    var events = decode(CHUNK + """
        "choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}

        data: [DONE]
        """);
    assertThat(events).last().isEqualTo(new Done(FinishReason.STOP, "stop"));
  }

  @Test
  void doneWithoutItsLineEndEndsTheStream() {
    var events = decode(CHUNK + """
        "choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}

        data: [DONE]""");
    assertThat(events).last().isEqualTo(new Done(FinishReason.STOP, "stop"));
  }

  @Test
  void aChunkWithoutItsBlankLineAtTheEndIsStillATruncation() {
    var events = decode(CHUNK + """
        "choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}
        """);
    assertThat(events).last().satisfies(e -> assertThat(e.toString()).contains("stream_truncated"));
  }

  @Test
  void serverToolsAreNeverWrittenAsToolCallsAndAreCounted() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamEncoder encoder = ChatStreams.CODEC.encoder(SseWriter.create(out::write));
    List<StreamEvent> events = List.of(new ResponseStarted("c1", "m", 7, ""),
        new ServerToolStart(0, 0, "srvtoolu_1", "web_search", "server_tool_use"),
        new ServerToolDelta(0, 0, "{\"query\":\"x\"}"),
        new ServerToolEnd(0, 0, "srvtoolu_1", "web_search", "server_tool_use",
            "{\"query\":\"x\"}", "{}"),
        new ServerToolResult(0, 1, "srvtoolu_1", "web_search_tool_result", "{}"),
        new TextStart(0, 2), new TextDelta(0, 2, "Found."), new TextEnd(0, 2, "Found."),
        new Done(FinishReason.STOP, "end_turn"));
    events.forEach(encoder::encode);
    String wire = out.toString(StandardCharsets.UTF_8);
    assertThat(wire).doesNotContain("tool_calls").doesNotContain("web_search")
        .contains("\"content\":\"Found.\"");
    assertThat(encoder.dropped()).isEqualTo(2);
    assertThat(decode(wire)).noneMatch(e -> e.getClass().getSimpleName().startsWith("ToolCall"));
  }

  @Test
  void citationsAndLogprobsRoundTrip() {
    TokenLogprob token = new TokenLogprob("Based", -0.5, List.of(66), List.of());
    String flat = "{\"type\":\"url_citation\",\"url_citation\":{\"start_index\":0,"
        + "\"end_index\":5,\"url\":\"https://x\",\"title\":\"X\"}}";
    List<StreamEvent> events = List.of(new ResponseStarted("c1", "m", 7, ""),
        new TextStart(0, 0), new TextDelta(0, 0, "Based"), new Logprobs(0, 0, List.of(token)),
        new CitationAdded(0, 0, new Citation("url_citation", "https://x", "X", "", 0, 5, flat)),
        new TextEnd(0, 0, "Based"),
        new io.sluice.core.event.ChoiceFinished(0, FinishReason.STOP, "stop"),
        new Done(FinishReason.STOP, "stop"));
    String wire = ChatStreamEncoderTest.encode(events, true);
    assertThat(decode(wire)).isEqualTo(events);
  }
}
