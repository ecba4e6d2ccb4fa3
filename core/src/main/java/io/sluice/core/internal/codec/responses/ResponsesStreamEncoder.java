package io.sluice.core.internal.codec.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.event.BlockEvent;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.Citation;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ServerToolDelta;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolResult;
import io.sluice.core.event.ServerToolStart;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.RefusalEnd;
import io.sluice.core.event.RefusalStart;
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
import io.sluice.core.internal.codec.responses.ResponsesItems.Out;
import io.sluice.core.internal.codec.responses.ResponsesJson.ContentPart;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.sse.SseWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes model events as a Responses stream: {@code response.created}, {@code in_progress}, the
 * item and part lifecycle with deltas and {@code *.done} events, then {@code response.completed}
 * ({@code response.incomplete} for LENGTH and CONTENT_FILTER, {@code response.failed} for a
 * failure) carrying the whole response object, which this encoder assembles as it goes.
 *
 * <p>Consecutive text and refusal blocks share one message item and consecutive reasoning blocks
 * with the same id one reasoning item, which stays open until another item starts (its encrypted
 * content is the last non-empty signature). Only choice 0 is written: Responses has no {@code n}.
 */
final class ResponsesStreamEncoder implements StreamEncoder {

  /** Where a block lives: its item, its output index and its part index within the item. */
  private record Slot(Out item, int outputIndex, int part, StringBuilder arguments) {}

  private final SseWriter writer;
  private final StringWriter buffer = new StringWriter(256);
  private final List<Out> output = new ArrayList<>();
  private final Map<Integer, Slot> slots = new HashMap<>();
  private long sequence;
  private String id = "";
  private String model = "";
  private long createdAt;
  private boolean started;
  private Usage usage;
  private boolean finished;
  private long dropped;
  private int annotationCount;

  /** Annotation types of the Responses API's own. */
  private static final java.util.Set<String> RESPONSES_ANNOTATIONS = java.util.Set.of(
      "url_citation", "file_citation", "container_file_citation", "file_path");

  ResponsesStreamEncoder(SseWriter writer) {
    this.writer = writer;
  }

  @Override
  public void encode(StreamEvent event) {
    if (finished) {
      return;
    }
    try {
      if (event instanceof ResponseStarted s) {
        if (!started) {
          id = s.id();
          model = s.model();
          createdAt = s.created();
          start();
        }
        return;
      }
      start();
      if (event instanceof TextDelta d) { // by its final class: see AnthropicStreamEncoder
        if (d.choice() == 0) {
          block(d);
        }
      } else if (event instanceof BlockEvent b) {
        if (b.choice() == 0) {
          block(b);
        }
      } else if (event instanceof Usage u) {
        usage = u;
      } else if (event instanceof Done d) {
        finished = true;
        closeAll();
        boolean incomplete = d.reason() == FinishReason.LENGTH
            || d.reason() == FinishReason.CONTENT_FILTER;
        String reason = !incomplete ? ""
            : d.reason() == FinishReason.LENGTH ? "max_output_tokens" : "content_filter";
        terminal(incomplete ? "response.incomplete" : "response.completed",
            incomplete ? "incomplete" : "completed", reason, null);
      } else if (event instanceof Failed f) {
        finished = true;
        terminal("response.failed", "failed", "", f);
      }
      // ChoiceFinished: the terminal carries the reason.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void start() throws IOException {
    if (started) {
      return;
    }
    started = true;
    if (id.isEmpty()) {
      id = "resp_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    }
    if (createdAt == 0) {
      createdAt = System.currentTimeMillis() / 1000;
    }
    for (String type : List.of("response.created", "response.in_progress")) {
      JsonGenerator g = begin(type);
      g.writeFieldName("response");
      ResponseObjectWriter.write(g, id, createdAt, model, "in_progress", List.of(), null, "", null);
      end(g, type);
    }
  }

  private void block(BlockEvent e) throws IOException {
    if (e instanceof TextStart || e instanceof RefusalStart) {
      boolean text = e instanceof TextStart;
      Out item = openItem("message", "");
      int part = item.content.size();
      item.content.add(new ContentPart(text ? "output_text" : "refusal", ""));
      Slot slot = slot(e, item, part);
      JsonGenerator g = itemEvent("response.content_part.added", slot);
      g.writeNumberField("content_index", part);
      writePart(g, text ? "output_text" : "refusal", "");
      end(g, "response.content_part.added");
    } else if (e instanceof RefusalDelta d) {
      partDelta("response.refusal.delta", "content_index", d.index(), d.text());
    } else if (e instanceof TextEnd t) {
      partDone(t.index(), "output_text", t.text());
    } else if (e instanceof RefusalEnd r) {
      partDone(r.index(), "refusal", r.text());
    } else if (e instanceof ReasoningStart r) {
      reasoningStart(r);
    } else if (e instanceof ReasoningDelta d) {
      Slot slot = slots.get(d.index());
      if (slot != null && slot.part >= 0) {
        boolean summary = slot.part < 1000;
        partDelta(summary ? "response.reasoning_summary_text.delta" : "response.reasoning_text.delta",
            summary ? "summary_index" : "content_index", d.index(), d.text());
      }
    } else if (e instanceof ReasoningEnd r) {
      reasoningEnd(r);
    } else if (e instanceof ToolCallStart c) {
      closeOpen();
      boolean custom = c.kind() == ToolKind.CUSTOM;
      Out item = new Out(custom ? "custom_tool_call" : "function_call");
      item.id = "fc_" + id + "_" + output.size();
      item.callId = c.id().isEmpty() ? "call_" + id + "_" + output.size() : c.id();
      item.name = c.name();
      added(item);
      slot(e, item, 0);
    } else if (e instanceof ToolCallDelta d) {
      Slot slot = slots.get(d.index());
      if (slot != null) {
        slot.arguments.append(d.arguments());
        boolean custom = slot.item.type.equals("custom_tool_call");
        JsonGenerator g = itemEvent(custom ? "response.custom_tool_call_input.delta"
            : "response.function_call_arguments.delta", slot);
        g.writeStringField("delta", d.arguments());
        end(g, null);
      }
    } else if (e instanceof ToolCallEnd c) {
      Slot slot = slots.remove(c.index());
      if (slot != null) {
        finishTool(slot, c.arguments());
      }
    } else if (e instanceof OpaqueBlock o) {
      whole(o.type(), o.json());
    } else if (e instanceof ServerToolStart t) {
      // A built-in tool item opens as in progress and closes as the provider finished it, results
      // included; Anthropic's server_tool_use has no Responses item.
      if (ResponsesStreamDecoder.SERVER_TOOLS.contains(t.type())) {
        closeOpen();
        Out item = new Out(t.type());
        item.id = t.id();
        item.raw = inProgress(t);
        added(item);
        slot(e, item, 0);
      }
    } else if (e instanceof ServerToolDelta d) {
      Slot slot = slots.get(d.index());
      if (slot != null && "mcp_call".equals(slot.item.type)) {
        JsonGenerator g = itemEvent("response.mcp_call_arguments.delta", slot);
        g.writeStringField("delta", d.input());
        end(g, null);
      }
    } else if (e instanceof ServerToolEnd t) {
      Slot slot = slots.remove(t.index());
      if (slot != null) {
        slot.item.raw = t.json();
        doneItem(slot.item);
      } else {
        dropped++;
      }
    } else if (e instanceof ServerToolResult) {
      dropped++;
    } else if (e instanceof CitationAdded c) {
      annotation(c);
    } else if (e instanceof TextDelta d) {
      partDelta("response.output_text.delta", "content_index", d.index(), d.text());
    }
    // Logprobs: Responses carries them on the text delta, which has gone out by the time they
    // arrive; holding every delta back for them would delay the stream, so they are left out.
  }

  private String inProgress(ServerToolStart t) throws IOException {
    StringWriter json = new StringWriter(64);
    try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(json)) {
      g.writeStartObject();
      g.writeStringField("id", t.id());
      g.writeStringField("type", t.type());
      g.writeStringField("status", "in_progress");
      if (!t.name().isEmpty()) {
        g.writeStringField("name", t.name());
      }
      g.writeEndObject();
    }
    return json.toString();
  }

  private void whole(String type, String json) throws IOException {
    closeOpen();
    Out item = new Out(type);
    item.raw = json;
    added(item);
    doneItem(item);
  }

  @Override
  public long dropped() {
    return dropped;
  }

  /** A citation as {@code response.output_text.annotation.added} (docs/wire-formats.md §b). */
  private void annotation(CitationAdded added) throws IOException {
    Slot slot = slots.get(added.index());
    Citation c = added.citation();
    boolean own = RESPONSES_ANNOTATIONS.contains(c.type()) && !c.json().contains("\"url_citation\":{");
    if (slot == null || (!own && c.url().isEmpty())) {
      dropped++;
      return;
    }
    JsonGenerator g = itemEvent("response.output_text.annotation.added", slot);
    g.writeNumberField("content_index", slot.part);
    g.writeNumberField("annotation_index", annotationCount++);
    g.writeFieldName("annotation");
    if (own) {
      g.writeRawValue(c.json());
    } else {
      // A Chat URL citation (nested one level) or an Anthropic web search location.
      g.writeStartObject();
      g.writeStringField("type", "url_citation");
      g.writeNumberField("start_index", Math.max(c.startIndex(), 0));
      g.writeNumberField("end_index", Math.max(c.endIndex(), 0));
      g.writeStringField("url", c.url());
      g.writeStringField("title", c.title());
      g.writeEndObject();
    }
    end(g, null);
  }

  /** Reasoning parts: summary parts have part numbers 0…, text parts 1000… (a slot marker). */
  private void reasoningStart(ReasoningStart r) throws IOException {
    Out item = openItem("reasoning", r.id());
    if (r.kind() == ReasoningKind.REDACTED) {
      slot(r, item, -1);
      return;
    }
    boolean summary = r.kind() == ReasoningKind.SUMMARY;
    int part = summary ? item.summary.size() : item.content.size();
    if (summary) {
      item.summary.add("");
    } else {
      item.content.add(new ContentPart("reasoning_text", ""));
    }
    Slot slot = slot(r, item, summary ? part : 1000 + part);
    String type = summary ? "response.reasoning_summary_part.added" : "response.content_part.added";
    JsonGenerator g = itemEvent(type, slot);
    g.writeNumberField(summary ? "summary_index" : "content_index", part);
    writePart(g, summary ? "summary_text" : "reasoning_text", "");
    end(g, type);
  }

  private void reasoningEnd(ReasoningEnd r) throws IOException {
    Slot slot = slots.remove(r.index());
    if (slot == null) {
      return;
    }
    if (!r.signature().isEmpty()) {
      slot.item.encrypted = r.signature();
    }
    if (slot.part < 0) {
      return;
    }
    boolean summary = slot.part < 1000;
    int part = summary ? slot.part : slot.part - 1000;
    String field = summary ? "summary_index" : "content_index";
    if (summary) {
      slot.item.summary.set(part, r.text());
    } else {
      slot.item.content.set(part, new ContentPart("reasoning_text", r.text()));
    }
    String doneType = summary ? "response.reasoning_summary_text.done"
        : "response.reasoning_text.done";
    JsonGenerator g = itemEvent(doneType, slot);
    g.writeNumberField(field, part);
    g.writeStringField("text", r.text());
    end(g, doneType);
    String partType = summary ? "response.reasoning_summary_part.done"
        : "response.content_part.done";
    g = itemEvent(partType, slot);
    g.writeNumberField(field, part);
    writePart(g, summary ? "summary_text" : "reasoning_text", r.text());
    end(g, partType);
  }

  private Slot slot(BlockEvent e, Out item, int part) {
    Slot slot = new Slot(item, output.indexOf(item), part, new StringBuilder());
    slots.put(e.index(), slot);
    return slot;
  }

  /** The open message or reasoning item to add to, or a new one (closing the open ones). */
  private Out openItem(String type, String reasoningId) throws IOException {
    Out last = output.isEmpty() ? null : output.get(output.size() - 1);
    if (last != null && !last.done && last.type.equals(type)
        && (type.equals("message") || (!reasoningId.isEmpty() && reasoningId.equals(last.id)))) {
      return last;
    }
    closeOpen();
    Out item = new Out(type);
    item.id = type.equals("message") ? "msg_" + id + "_" + output.size()
        : reasoningId.isEmpty() ? "rs_" + id + "_" + output.size() : reasoningId;
    added(item);
    return item;
  }

  private void added(Out item) throws IOException {
    output.add(item);
    JsonGenerator g = begin("response.output_item.added");
    g.writeNumberField("output_index", output.size() - 1);
    g.writeFieldName("item");
    item.write(g, true);
    end(g, "response.output_item.added");
  }

  /**
   * Message and reasoning items close when another item starts, and at the end. Responses items
   * are sequential while other formats may keep blocks open side by side (OpenAI Chat text beside
   * tool calls), so a block still open here is finished with what its deltas brought, and its own
   * end event, arriving later, is ignored.
   */
  private void closeOpen() throws IOException {
    for (Out item : output) {
      if (!item.done && (item.isMessage() || item.isReasoning())) {
        finishSlotsOf(item);
        doneItem(item);
      }
    }
  }

  private void finishSlotsOf(Out item) throws IOException {
    for (Map.Entry<Integer, Slot> e : new ArrayList<>(slots.entrySet())) {
      Slot slot = e.getValue();
      if (slot.item != item) {
        continue;
      }
      String sofar = slot.arguments.toString();
      if (item.isMessage()) {
        partDone(e.getKey(), item.content.get(slot.part).type(), sofar);
      } else {
        reasoningEnd(new ReasoningEnd(0, e.getKey(),
            slot.part < 1000 ? ReasoningKind.SUMMARY : ReasoningKind.THINKING, sofar, ""));
      }
    }
  }

  private void closeAll() throws IOException {
    for (Map.Entry<Integer, Slot> e : new ArrayList<>(slots.entrySet())) {
      Slot slot = e.getValue();
      if (!slot.item.isMessage() && !slot.item.isReasoning()) {
        slots.remove(e.getKey());
        finishTool(slot, slot.arguments.toString());
      }
    }
    closeOpen();
  }

  private void doneItem(Out item) throws IOException {
    item.done = true;
    JsonGenerator g = begin("response.output_item.done");
    g.writeNumberField("output_index", output.indexOf(item));
    g.writeFieldName("item");
    item.write(g, true);
    end(g, "response.output_item.done");
  }

  private void finishTool(Slot slot, String arguments) throws IOException {
    boolean custom = slot.item.type.equals("custom_tool_call");
    slot.item.arguments = arguments;
    String type = custom ? "response.custom_tool_call_input.done"
        : "response.function_call_arguments.done";
    JsonGenerator g = itemEvent(type, slot);
    g.writeStringField(custom ? "input" : "arguments", arguments);
    end(g, type);
    doneItem(slot.item);
  }

  private void partDelta(String type, String indexField, int block, String delta)
      throws IOException {
    Slot slot = slots.get(block);
    if (slot == null) {
      return;
    }
    slot.arguments.append(delta);
    JsonGenerator g = itemEvent(type, slot);
    g.writeNumberField(indexField, slot.part % 1000);
    g.writeStringField("delta", delta);
    end(g, null);
  }

  private void partDone(int block, String partType, String text) throws IOException {
    Slot slot = slots.remove(block);
    if (slot == null) {
      return;
    }
    slot.item.content.set(slot.part, new ContentPart(partType, text));
    boolean refusal = partType.equals("refusal");
    String type = refusal ? "response.refusal.done" : "response.output_text.done";
    JsonGenerator g = itemEvent(type, slot);
    g.writeNumberField("content_index", slot.part);
    g.writeStringField(refusal ? "refusal" : "text", text);
    end(g, type);
    g = itemEvent("response.content_part.done", slot);
    g.writeNumberField("content_index", slot.part);
    writePart(g, partType, text);
    end(g, "response.content_part.done");
  }

  private static void writePart(JsonGenerator g, String type, String text) throws IOException {
    g.writeObjectFieldStart("part");
    g.writeStringField("type", type);
    g.writeStringField(type.equals("refusal") ? "refusal" : "text", text);
    if (type.equals("output_text")) {
      g.writeArrayFieldStart("annotations");
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private void terminal(String type, String status, String incompleteReason, Failed error)
      throws IOException {
    JsonGenerator g = begin(type);
    g.writeFieldName("response");
    ResponseObjectWriter.write(g, id, createdAt, model, status, output, usage, incompleteReason,
        error);
    end(g, type);
  }

  // --- Framing: every event is `event: <type>` plus a data object that starts with the type ---

  private String pendingType;

  private JsonGenerator itemEvent(String type, Slot slot) throws IOException {
    JsonGenerator g = begin(type);
    g.writeStringField("item_id", slot.item.id);
    g.writeNumberField("output_index", slot.outputIndex);
    return g;
  }

  private JsonGenerator begin(String type) throws IOException {
    buffer.getBuffer().setLength(0);
    pendingType = type;
    JsonGenerator g = JsonChecks.FACTORY.createGenerator(buffer);
    g.writeStartObject();
    g.writeStringField("type", type);
    g.writeNumberField("sequence_number", sequence++);
    return g;
  }

  private void end(JsonGenerator g, String type) throws IOException {
    g.writeEndObject();
    g.close();
    writer.event(type != null ? type : pendingType, buffer.toString());
  }
}
