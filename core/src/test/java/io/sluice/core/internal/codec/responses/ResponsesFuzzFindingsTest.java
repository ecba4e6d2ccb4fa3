package io.sluice.core.internal.codec.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.Done;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.ToolCallEnd;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Inputs that fuzzing (io.sluice.core.reliability.StreamDecoderFuzzTest) found mishandled. */
class ResponsesFuzzFindingsTest {

  @Test
  void reasoningPartAddedToACallItemIsClosedAtCompletion() {
    // A summary part names the function call's output_index: the decoder opened a reasoning
    // block on the call item, and completion closed only the call's own block, so Done came with
    // a block still open.
    List<StreamEvent> events = ResponsesStreams.decode(ResponsesStreams.named("""
        {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","status":"in_progress","model":"gpt-5","output":[]}}
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"fc_1","type":"function_call","arguments":"","call_id":"call_A","name":"calc"}}
        {"type":"response.reasoning_summary_part.added","sequence_number":2,"item_id":"fc_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}
        {"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","status":"completed","model":"gpt-5","output":[]}}
        """));
    assertThat(events).hasAtLeastOneElementOfType(ToolCallEnd.class)
        .hasAtLeastOneElementOfType(ReasoningEnd.class)
        .last().isEqualTo(new Done(FinishReason.TOOL_CALLS, "completed"));
  }
}
