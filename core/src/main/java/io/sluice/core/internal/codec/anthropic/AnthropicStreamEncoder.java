package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.event.BlockEvent;
import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Done;
import io.sluice.core.event.ServerToolDelta;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolResult;
import io.sluice.core.event.ServerToolStart;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.OpaqueBlock;
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
import io.sluice.core.internal.codec.Annotations;
import io.sluice.core.sse.SseWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes model events as an Anthropic Messages stream, every event named ({@code event: <type>}).
 *
 * <p>{@code message_start} is held back until the event after {@link ResponseStarted}, so that a
 * {@link Usage} right behind it (what the decoder emits for {@code message_start}) lands in its
 * usage; later usage goes into the {@code message_delta} written at {@link Done}. Decoding what
 * this writes gives back the same events for sequences of that shape. Where the events do not fit
 * the format: refusal blocks are written as text (Anthropic has no refusal block; its refusals are
 * a stop reason), blocks of a choice other than 0 are dropped, and a redacted reasoning block is
 * written whole at its end, where its data (the end's signature) is known.
 */
final class AnthropicStreamEncoder implements StreamEncoder {

  /** Stop reasons Anthropic defines; another raw reason is mapped from the normalised one. */
  static final java.util.Set<String> STOP_REASONS = java.util.Set.of("end_turn",
      "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal",
      "model_context_window_exceeded");

  /** Citation types of Anthropic's own (docs/wire-formats.md §c). */
  static final java.util.Set<String> ANTHROPIC_CITATIONS = java.util.Set.of(
      "web_search_result_location", "char_location", "page_location", "content_block_location",
      "search_result_location");

  private final SseWriter writer;
  private final JsonOut out = new JsonOut();
  private String id;
  private String model;
  private boolean pendingStart;
  private boolean started;
  private boolean finished;
  private Usage usage = Usage.ZERO;
  private Usage writtenUsage;
  private int nextWireIndex;
  /** Our block index → its wire index, while open. */
  private final Map<Integer, int[]> open = new HashMap<>();
  private final Map<Integer, Boolean> toolHadDelta = new HashMap<>();
  private long dropped;
  /** Input fragments of server tools held until their end. */
  private final Map<Integer, List<String>> serverInput = new HashMap<>();

  AnthropicStreamEncoder(SseWriter writer) {
    if (writer == null) {
      throw new NullPointerException("writer");
    }
    this.writer = writer;
  }

  @Override
  public void encode(StreamEvent event) {
    if (finished) {
      return;
    }
    if (event instanceof ResponseStarted) {
      ResponseStarted s = (ResponseStarted) event;
      id = s.id();
      model = s.model();
      pendingStart = true;
      return;
    }
    if (event instanceof Usage) {
      usage = (Usage) event;
      if (pendingStart) {
        writeMessageStart();
      }
      return;
    }
    if (event instanceof Failed) {
      // An error may come first (overloaded before anything): no message_start is needed.
      if (pendingStart) {
        writeMessageStart();
      }
      if (started && !usage.equals(writtenUsage)) {
        // Usage that came after message_start would be lost with the error: a message_delta
        // without a stop reason carries it first.
        write("message_delta", g -> {
          g.writeStringField("type", "message_delta");
          g.writeObjectFieldStart("delta");
          g.writeNullField("stop_reason");
          g.writeNullField("stop_sequence");
          g.writeEndObject();
          writeUsage(g, usage);
        });
      }
      finished = true;
      writeError((Failed) event);
      return;
    }
    ensureStarted();
    if (event instanceof Done) {
      finished = true;
      writeEnd((Done) event);
    } else if (event instanceof TextDelta) {
      // Nearly every event, told by its final class: a test against the BlockEvent interface
      // rewrites the class's one-entry supertype cache on JDK 17, which event loops relaying
      // the same kind of event pull from each other.
      TextDelta delta = (TextDelta) event;
      if (delta.choice() == 0) {
        encodeBlock(delta);
      }
    } else if (event instanceof BlockEvent) {
      BlockEvent block = (BlockEvent) event;
      if (block.choice() == 0) {
        encodeBlock(block);
      }
    } else if (event instanceof ChoiceFinished) {
      // The single choice's reason travels on Done.
      return;
    }
  }

  private void encodeBlock(BlockEvent event) {
    int i = event.index();
    if (event instanceof TextStart || event instanceof RefusalStart) {
      start(i, g -> {
        g.writeStringField("type", "text");
        g.writeStringField("text", "");
      });
    } else if (event instanceof TextDelta) {
      delta(i, "text_delta", "text", ((TextDelta) event).text());
    } else if (event instanceof RefusalDelta) {
      delta(i, "text_delta", "text", ((RefusalDelta) event).text());
    } else if (event instanceof TextEnd || event instanceof RefusalEnd) {
      stop(i);
    } else if (event instanceof ReasoningStart) {
      ReasoningStart r = (ReasoningStart) event;
      if (r.kind() == ReasoningKind.REDACTED) {
        open.put(i, new int[] {-1});
        return;
      }
      start(i, g -> {
        g.writeStringField("type", "thinking");
        g.writeStringField("thinking", "");
        g.writeStringField("signature", "");
      });
    } else if (event instanceof ReasoningDelta) {
      if (wireIndex(i) >= 0) {
        delta(i, "thinking_delta", "thinking", ((ReasoningDelta) event).text());
      }
    } else if (event instanceof ReasoningEnd) {
      ReasoningEnd r = (ReasoningEnd) event;
      if (wireIndex(i) < 0) {
        open.remove(i);
        start(i, g -> {
          g.writeStringField("type", "redacted_thinking");
          g.writeStringField("data", r.signature());
        });
      } else if (!r.signature().isEmpty()) {
        delta(i, "signature_delta", "signature", r.signature());
      }
      stop(i);
    } else if (event instanceof ToolCallStart) {
      ToolCallStart t = (ToolCallStart) event;
      toolHadDelta.put(i, Boolean.FALSE);
      start(i, g -> {
        g.writeStringField("type", "tool_use");
        g.writeStringField("id", t.id());
        g.writeStringField("name", t.name());
        g.writeFieldName("input");
        g.writeStartObject();
        g.writeEndObject();
      });
    } else if (event instanceof ToolCallDelta) {
      toolHadDelta.put(i, Boolean.TRUE);
      delta(i, "input_json_delta", "partial_json", ((ToolCallDelta) event).arguments());
    } else if (event instanceof ToolCallEnd) {
      ToolCallEnd t = (ToolCallEnd) event;
      // Arguments that came only on the end (a whole call) still need a delta to travel.
      if (!Boolean.TRUE.equals(toolHadDelta.remove(i)) && !t.arguments().isEmpty()
          && !"{}".equals(t.arguments())) {
        delta(i, "input_json_delta", "partial_json", t.arguments());
      }
      stop(i);
    } else if (event instanceof ServerToolStart t) {
      // Held to its end, where the block as the provider sent it (ServerToolEnd.json) is known:
      // it is written as it came, with the input fragments as they came.
      serverInput.put(i, new ArrayList<>(2));
    } else if (event instanceof ServerToolDelta d) {
      List<String> fragments = serverInput.get(i);
      if (fragments != null) {
        fragments.add(d.input());
      }
    } else if (event instanceof ServerToolEnd t) {
      List<String> fragments = serverInput.remove(i);
      if (!AnthropicContent.isAnthropicServerTool(t.type())) {
        dropped++; // a Responses built-in tool item: no Anthropic block holds it
        return;
      }
      whole(i, t.json(), false);
      if (fragments != null && !fragments.isEmpty() && startInputIsEmpty(t.json())) {
        for (String fragment : fragments) {
          delta(i, "input_json_delta", "partial_json", fragment);
        }
      } else if ((fragments == null || fragments.isEmpty()) && !"{}".equals(t.input())
          && startInputIsEmpty(t.json())) {
        delta(i, "input_json_delta", "partial_json", t.input());
      }
      stop(i);
    } else if (event instanceof ServerToolResult r) {
      if (r.type().endsWith("_tool_result")) {
        whole(i, r.json(), true);
      } else {
        dropped++;
      }
    } else if (event instanceof CitationAdded c) {
      // Anthropic's citation types locate the source (web_search_result_location needs its
      // encrypted_index); an OpenAI url_citation has no such fields and cannot be made one.
      if (wireIndex(i) >= 0 && ANTHROPIC_CITATIONS.contains(c.citation().type())) {
        int wire = wireIndex(i);
        write("content_block_delta", g -> {
          g.writeStringField("type", "content_block_delta");
          g.writeNumberField("index", wire);
          g.writeObjectFieldStart("delta");
          g.writeStringField("type", "citations_delta");
          g.writeFieldName("citation");
          g.writeRawValue(c.citation().json());
          g.writeEndObject();
        });
      } else {
        dropped++;
      }
    } else if (event instanceof OpaqueBlock o) {
      whole(i, o.json(), true);
    }
    // Logprobs: Anthropic has none to report.
  }

  /** A block whose start holds it as the provider sent it; {@code stop} closes it at once. */
  private void whole(int i, String json, boolean stop) {
    int wire = nextWireIndex++;
    open.put(i, new int[] {wire});
    write("content_block_start", g -> {
      g.writeStringField("type", "content_block_start");
      g.writeNumberField("index", wire);
      g.writeFieldName("content_block");
      g.writeRawValue(json);
    });
    if (stop) {
      stop(i);
    }
  }

  /** Whether a tool block's start has no input yet ({@code {}}): its input follows as deltas. */
  private static boolean startInputIsEmpty(String json) {
    try {
      String input = Annotations.rawField(json, "input");
      return input == null || "{}".equals(input);
    } catch (java.io.IOException e) {
      return true; // the start is not JSON: its input is all in the fragments
    }
  }

  @Override
  public long dropped() {
    return dropped;
  }

  // --- Writing ---

  private void ensureStarted() {
    if (!started) {
      if (!pendingStart) {
        // No ResponseStarted came: the format needs a message id and model all the same.
        id = "msg_sluice_" + Long.toHexString(System.nanoTime());
        model = "unknown";
      }
      writeMessageStart();
    }
  }

  private void writeMessageStart() {
    pendingStart = false;
    started = true;
    writtenUsage = usage;
    write("message_start", g -> {
      g.writeStringField("type", "message_start");
      g.writeObjectFieldStart("message");
      g.writeStringField("id", id);
      g.writeStringField("type", "message");
      g.writeStringField("role", "assistant");
      g.writeStringField("model", model);
      g.writeArrayFieldStart("content");
      g.writeEndArray();
      g.writeNullField("stop_reason");
      g.writeNullField("stop_sequence");
      writeUsage(g, usage);
      g.writeEndObject();
    });
  }

  private void writeEnd(Done done) {
    String reason = STOP_REASONS.contains(done.rawReason()) ? done.rawReason()
        : stopReason(done.reason());
    write("message_delta", g -> {
      g.writeStringField("type", "message_delta");
      g.writeObjectFieldStart("delta");
      g.writeStringField("stop_reason", reason);
      g.writeNullField("stop_sequence");
      g.writeEndObject();
      writeUsage(g, usage);
    });
    write("message_stop", g -> g.writeStringField("type", "message_stop"));
  }

  private void writeError(Failed failed) {
    write("error", g -> {
      g.writeStringField("type", "error");
      g.writeObjectFieldStart("error");
      g.writeStringField("type", failed.type());
      g.writeStringField("message", failed.message());
      g.writeEndObject();
    });
  }

  static String stopReason(FinishReason reason) {
    switch (reason) {
      case LENGTH:
        return "max_tokens";
      case TOOL_CALLS:
        return "tool_use";
      case REFUSAL:
      case CONTENT_FILTER:
        return "refusal";
      default:
        return "end_turn";
    }
  }

  /** Anthropic counts input apart from the cache; sluice's inputTokens includes it. */
  static void writeUsage(JsonGenerator g, Usage usage) throws IOException {
    g.writeObjectFieldStart("usage");
    g.writeNumberField("input_tokens",
        Math.max(0, usage.inputTokens() - usage.cacheReadTokens() - usage.cacheWriteTokens()));
    g.writeNumberField("cache_creation_input_tokens", usage.cacheWriteTokens());
    g.writeNumberField("cache_read_input_tokens", usage.cacheReadTokens());
    g.writeNumberField("output_tokens", usage.outputTokens());
    if (usage.reasoningTokens() > 0) {
      g.writeObjectFieldStart("output_tokens_details");
      g.writeNumberField("thinking_tokens", usage.reasoningTokens());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private void start(int index, JsonOut.Body block) {
    int wire = nextWireIndex++;
    open.put(index, new int[] {wire});
    write("content_block_start", g -> {
      g.writeStringField("type", "content_block_start");
      g.writeNumberField("index", wire);
      g.writeFieldName("content_block");
      g.writeStartObject();
      block.write(g);
      g.writeEndObject();
    });
  }

  private void delta(int index, String type, String field, String value) {
    int wire = wireIndex(index);
    if (wire < 0) {
      return;
    }
    write("content_block_delta", g -> {
      g.writeStringField("type", "content_block_delta");
      g.writeNumberField("index", wire);
      g.writeObjectFieldStart("delta");
      g.writeStringField("type", type);
      g.writeStringField(field, value);
      g.writeEndObject();
    });
  }

  private void stop(int index) {
    int[] wire = open.remove(index);
    if (wire == null || wire[0] < 0) {
      return;
    }
    write("content_block_stop", g -> {
      g.writeStringField("type", "content_block_stop");
      g.writeNumberField("index", wire[0]);
    });
  }

  private int wireIndex(int index) {
    int[] wire = open.get(index);
    return wire == null ? -1 : wire[0];
  }

  private void write(String name, JsonOut.Body body) {
    writer.event(name, out.object(body));
  }
}
