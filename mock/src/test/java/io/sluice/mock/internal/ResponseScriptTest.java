package io.sluice.mock.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.TextStart;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.sse.SseWriter;
import io.sluice.core.testing.EventGrammar;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The script makes its events one at a time, as they are asked for. */
class ResponseScriptTest {
  private static final ChatRequest REQUEST = ChatRequest.builder("mock-1").user("Hello").build();

  private static ResponseScript script(WireFormat format, String header, boolean keepText) {
    return ResponseScript.of(format, REQUEST, MockBehaviour.parse(header), true, keepText, 1);
  }

  @Test
  void aScriptOfFiftyMillionTokensHasMadeOnlyTheStepsTakenFromIt() {
    ResponseScript script = script(WireFormat.OPENAI_CHAT, "tokens=50000000", false);

    assertThat(script.produced()).isZero();
    assertThat(script.next().event()).isInstanceOf(ResponseStarted.class);
    assertThat(script.next().event()).isInstanceOf(TextStart.class);
    ResponseScript.Step first = script.next();

    assertThat(first.token()).isTrue();
    assertThat(first.event()).isInstanceOf(TextDelta.class);
    assertThat(script.produced()).isEqualTo(3);
    assertThat(script.hasNext()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void aKeptTextIsTheDeltasJoinedAndTheEventsFollowTheGrammar(WireFormat format) {
    List<StreamEvent> events = events(script(format, "reasoning=3, tokens=9", true));

    EventGrammar.check(events);
    assertThat(ended(events, ReasoningDelta.class, ReasoningEnd.class))
        .isEqualTo(joined(events, ReasoningDelta.class)).hasSizeGreaterThan(3);
    assertThat(ended(events, TextDelta.class, TextEnd.class))
        .isEqualTo(joined(events, TextDelta.class)).endsWith(".");
  }

  @Test
  void theSameRequestGetsTheSameWordsWhetherTheTextIsKeptOrNot() {
    List<StreamEvent> kept = events(script(WireFormat.OPENAI_CHAT, "tokens=30", true));
    List<StreamEvent> unkept = events(script(WireFormat.OPENAI_CHAT, "tokens=30", false));

    assertThat(joined(unkept, TextDelta.class)).isEqualTo(joined(kept, TextDelta.class));
    assertThat(ended(unkept, TextDelta.class, TextEnd.class)).isEmpty();
  }

  /**
   * Chat and Anthropic streams never repeat a block's text at its end, which is why their scripts
   * need not keep it: the bytes on the wire are the same either way.
   */
  @ParameterizedTest
  @EnumSource(value = WireFormat.class, names = {"OPENAI_CHAT", "ANTHROPIC_MESSAGES"})
  void aStreamThatDoesNotKeepItsTextWritesTheSameBytes(WireFormat format) {
    String header = "reasoning=4, tokens=25, usage=on";

    assertThat(wire(format, script(format, header, false)))
        .isEqualTo(wire(format, script(format, header, true)));
  }

  @Test
  void aResponsesStreamRepeatsTheTextAtItsEndSoItMustKeepIt() {
    String header = "tokens=25";
    String kept = wire(WireFormat.OPENAI_RESPONSES, script(WireFormat.OPENAI_RESPONSES, header,
        true));
    String text = joined(events(script(WireFormat.OPENAI_RESPONSES, header, true)),
        TextDelta.class);

    assertThat(kept).contains("\"text\":\"" + text + "\"");
  }

  private static List<StreamEvent> events(ResponseScript script) {
    List<StreamEvent> events = new ArrayList<>();
    script.forEachRemaining(step -> events.add(step.event()));
    return events;
  }

  private static String joined(List<StreamEvent> events, Class<? extends StreamEvent> delta) {
    StringBuilder text = new StringBuilder();
    for (StreamEvent e : events) {
      if (delta.isInstance(e)) {
        text.append(e instanceof TextDelta t ? t.text() : ((ReasoningDelta) e).text());
      }
    }
    return text.toString();
  }

  private static String ended(List<StreamEvent> events, Class<? extends StreamEvent> delta,
      Class<? extends StreamEvent> end) {
    assertThat(events.stream().filter(delta::isInstance)).isNotEmpty();
    return events.stream().filter(end::isInstance)
        .map(e -> e instanceof TextEnd t ? t.text() : ((ReasoningEnd) e).text())
        .findFirst().orElseThrow();
  }

  private static String wire(WireFormat format, ResponseScript script) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamEncoder encoder = WireCodec.of(format).encoder(
        SseWriter.create((bytes, offset, length) -> out.write(bytes, offset, length)));
    // The ids and the creation time come from the script; the time is the same within a second.
    script.forEachRemaining(step -> encoder.encode(step.event()));
    return out.toString(java.nio.charset.StandardCharsets.UTF_8)
        .replaceAll("\"created(_at)?\":\\d+", "\"created$1\":0");
  }
}
