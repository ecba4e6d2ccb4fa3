package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.event.BlockEvent;
import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.Citation;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Logprobs;
import io.sluice.core.event.RefusalStart;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolResult;
import io.sluice.core.internal.codec.Annotations;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.RefusalEnd;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.codec.OpenAiErrorBody;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.sse.SseWriter;
import java.io.CharArrayWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes model events as an OpenAI Chat Completions stream: one {@code chat.completion.chunk} per
 * delta, {@code role:"assistant"} on a choice's first delta, tool-call fragments keyed by the
 * call's ordinal among its choice's calls, a {@code finish_reason} chunk per choice, the usage as
 * a last {@code choices: []} chunk (when asked for), then {@code data: [DONE]}.
 *
 * <p>Chat has no block boundaries, so start and end events write nothing, except that an end
 * event whose value runs past what its deltas carried (a source that sends the whole value only
 * at the end) writes the rest as one more delta. Opaque blocks have no Chat form and are dropped;
 * server tools and their results are dropped and counted ({@link #dropped}), never written as
 * {@code tool_calls}. URL citations travel as {@code delta.annotations}, log probabilities as the
 * choice's {@code logprobs}.
 * Usage is held back to the end: a Chat client expects it once, on the usage chunk.
 */
final class ChatStreamEncoder implements StreamEncoder {

  /** What was written for one choice. */
  private static final class ChoiceOut {
    boolean roleSent;
    boolean finished;
    int toolCount;
    /** Per block index: characters written so far. */
    int[] written = new int[4];
    /** Per block index: the tool call's ordinal, or -1. */
    int[] ordinal = filled(4);

    void ensure(int index) {
      if (index >= written.length) {
        int n = Math.max(index + 1, written.length * 2);
        written = Arrays.copyOf(written, n);
        int old = ordinal.length;
        ordinal = Arrays.copyOf(ordinal, n);
        Arrays.fill(ordinal, old, n, -1);
      }
    }

    private static int[] filled(int n) {
      int[] a = new int[n];
      Arrays.fill(a, -1);
      return a;
    }
  }

  private final SseWriter writer;
  private final boolean includeUsage;
  private final CharArrayWriter buffer = new CharArrayWriter(256);
  private final List<ChoiceOut> choices = new ArrayList<>(1);
  private String id;
  private String model = "";
  private long created;
  private Usage usage;
  private boolean finished;
  private long dropped;
  /** Refusal blocks as (choice, index): their log probabilities go to {@code logprobs.refusal}. */
  private final java.util.Set<Long> refusals = new java.util.HashSet<>();

  ChatStreamEncoder(SseWriter writer, boolean includeUsage) {
    this.writer = writer;
    this.includeUsage = includeUsage;
  }

  @Override
  public void encode(StreamEvent event) {
    if (finished) {
      return;
    }
    try {
      write(event);
    } catch (IOException e) {
      throw ChatJson.unchecked(e); // a CharArrayWriter does not fail
    }
  }

  private void write(StreamEvent event) throws IOException {
    if (event instanceof ResponseStarted) {
      ResponseStarted r = (ResponseStarted) event;
      if (id == null) {
        id = r.id();
        model = r.model();
        // Anthropic names no time; a Chat client still expects one in every chunk.
        created = r.created() > 0 ? r.created() : System.currentTimeMillis() / 1000;
      }
    } else if (event instanceof TextDelta) {
      TextDelta d = (TextDelta) event;
      delta(d, "content", d.text());
    } else if (event instanceof ReasoningDelta) {
      ReasoningDelta d = (ReasoningDelta) event;
      delta(d, "reasoning_content", d.text());
    } else if (event instanceof RefusalDelta) {
      RefusalDelta d = (RefusalDelta) event;
      delta(d, "refusal", d.text());
    } else if (event instanceof TextEnd) {
      TextEnd e = (TextEnd) event;
      rest(e, "content", e.text());
    } else if (event instanceof ReasoningEnd) {
      ReasoningEnd e = (ReasoningEnd) event;
      rest(e, "reasoning_content", e.text());
    } else if (event instanceof RefusalEnd) {
      RefusalEnd e = (RefusalEnd) event;
      rest(e, "refusal", e.text());
    } else if (event instanceof ToolCallStart) {
      toolStart((ToolCallStart) event);
    } else if (event instanceof ToolCallDelta) {
      ToolCallDelta d = (ToolCallDelta) event;
      toolArguments(d, d.arguments());
    } else if (event instanceof ToolCallEnd) {
      ToolCallEnd e = (ToolCallEnd) event;
      ChoiceOut c = choice(e.choice());
      c.ensure(e.index());
      if (e.arguments().length() > c.written[e.index()]) {
        toolArguments(e, e.arguments().substring(c.written[e.index()]));
      }
    } else if (event instanceof ChoiceFinished) {
      ChoiceFinished f = (ChoiceFinished) event;
      finishChunk(f.choice(), ChatJson.chatFinishReason(f.reason(), f.rawReason()));
    } else if (event instanceof Usage) {
      usage = (Usage) event;
    } else if (event instanceof Done) {
      Done d = (Done) event;
      // A source without per-choice finish events (or a single-choice format) still owes the
      // client choice 0's finish_reason; a Chat stream that had none keeps having none.
      if (!choice(0).finished && !d.rawReason().isEmpty()) {
        finishChunk(0, ChatJson.chatFinishReason(d.reason(), d.rawReason()));
      }
      usageChunk();
      end();
    } else if (event instanceof Failed) {
      usageChunk();
      errorChunk((Failed) event);
      end();
    } else if (event instanceof RefusalStart r) {
      refusals.add(((long) r.choice() << 32) | r.index());
    } else if (event instanceof CitationAdded c) {
      citation(c);
    } else if (event instanceof Logprobs l) {
      logprobs(l);
    } else if (event instanceof ServerToolEnd || event instanceof ServerToolResult) {
      // A tool the provider ran is no tool call: a Chat client would try to run a tool it never
      // declared. Chat has no other place for it.
      dropped++;
    }
    // TextStart, ReasoningStart: nothing on the wire until the first delta.
    // ServerToolStart, ServerToolDelta: counted once, at the end. OpaqueBlock: Chat has no form.
  }

  @Override
  public long dropped() {
    return dropped;
  }

  /** A URL citation travels as {@code delta.annotations} (docs/wire-formats.md §a). */
  private void citation(CitationAdded added) throws IOException {
    Citation c = added.citation();
    ChoiceOut out = choice(added.choice());
    if (c.url().isEmpty() || out.finished) {
      dropped++; // a file or document citation: Chat's only annotation is a URL citation
      return;
    }
    JsonGenerator g = open(added.choice(), out);
    g.writeArrayFieldStart("annotations");
    g.writeStartObject();
    g.writeStringField("type", "url_citation");
    g.writeObjectFieldStart("url_citation");
    if (c.startIndex() >= 0) {
      g.writeNumberField("start_index", c.startIndex());
    }
    if (c.endIndex() >= 0) {
      g.writeNumberField("end_index", c.endIndex());
    }
    g.writeStringField("url", c.url());
    g.writeStringField("title", c.title());
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndArray();
    close(g, null);
  }

  /** Log probabilities travel beside the delta, as {@code logprobs.content} or {@code .refusal}. */
  private void logprobs(Logprobs l) throws IOException {
    ChoiceOut out = choice(l.choice());
    if (out.finished || l.tokens().isEmpty()) {
      return;
    }
    boolean refusal = refusals.contains(((long) l.choice() << 32) | l.index());
    JsonGenerator g = open(l.choice(), out);
    g.writeEndObject(); // delta
    g.writeObjectFieldStart("logprobs");
    g.writeFieldName(refusal ? "refusal" : "content");
    Annotations.writeLogprobs(g, l.tokens(), true);
    g.writeNullField(refusal ? "content" : "refusal");
    g.writeEndObject();
    g.writeNullField("finish_reason");
    g.writeEndObject(); // choice
    g.writeEndArray();
    g.writeEndObject();
    send(g);
  }

  private ChoiceOut choice(int index) {
    while (choices.size() <= index) {
      choices.add(new ChoiceOut());
    }
    return choices.get(index);
  }

  private void delta(BlockEvent e, String field, String text) throws IOException {
    ChoiceOut c = choice(e.choice());
    if (c.finished || text.isEmpty()) {
      return;
    }
    c.ensure(e.index());
    c.written[e.index()] += text.length();
    JsonGenerator g = open(e.choice(), c);
    g.writeStringField(field, text);
    close(g, null);
  }

  private void rest(BlockEvent e, String field, String whole) throws IOException {
    ChoiceOut c = choice(e.choice());
    c.ensure(e.index());
    int written = c.written[e.index()];
    if (whole.length() > written) {
      delta(e, field, whole.substring(written));
    }
  }

  private void toolStart(ToolCallStart s) throws IOException {
    ChoiceOut c = choice(s.choice());
    if (c.finished) {
      return;
    }
    c.ensure(s.index());
    int ordinal = c.toolCount++;
    c.ordinal[s.index()] = ordinal;
    JsonGenerator g = open(s.choice(), c);
    g.writeArrayFieldStart("tool_calls");
    g.writeStartObject();
    g.writeNumberField("index", ordinal);
    g.writeStringField("id", s.id());
    g.writeStringField("type", "function");
    g.writeObjectFieldStart("function");
    g.writeStringField("name", s.name());
    g.writeStringField("arguments", "");
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndArray();
    close(g, null);
  }

  private void toolArguments(BlockEvent e, String arguments) throws IOException {
    ChoiceOut c = choice(e.choice());
    c.ensure(e.index());
    int ordinal = c.ordinal[e.index()];
    if (c.finished || ordinal < 0 || arguments.isEmpty()) {
      return;
    }
    c.written[e.index()] += arguments.length();
    JsonGenerator g = open(e.choice(), c);
    g.writeArrayFieldStart("tool_calls");
    g.writeStartObject();
    g.writeNumberField("index", ordinal);
    g.writeObjectFieldStart("function");
    g.writeStringField("arguments", arguments);
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndArray();
    close(g, null);
  }

  private void finishChunk(int index, String reason) throws IOException {
    ChoiceOut c = choice(index);
    if (c.finished) {
      return;
    }
    JsonGenerator g = open(index, c);
    close(g, reason);
    c.finished = true;
  }

  private void usageChunk() throws IOException {
    if (!includeUsage || usage == null) {
      return;
    }
    JsonGenerator g = header();
    g.writeArrayFieldStart("choices");
    g.writeEndArray();
    g.writeFieldName("usage");
    ChatJson.writeUsage(g, usage);
    g.writeEndObject();
    send(g);
  }

  /** OpenAI's own mid-stream shape: a finish chunk with reason {@code error} and an error object. */
  private void errorChunk(Failed failure) throws IOException {
    JsonGenerator g = header();
    g.writeArrayFieldStart("choices");
    g.writeStartObject();
    g.writeNumberField("index", 0);
    g.writeObjectFieldStart("delta");
    g.writeEndObject();
    g.writeStringField("finish_reason", "error");
    g.writeEndObject();
    g.writeEndArray();
    OpenAiErrorBody.writeErrorField(g, failure);
    g.writeEndObject();
    send(g);
  }

  private void end() {
    finished = true;
    writer.data("[DONE]");
  }

  /** Starts a chunk for one choice and leaves the generator inside its {@code delta} object. */
  private JsonGenerator open(int index, ChoiceOut c) throws IOException {
    JsonGenerator g = header();
    g.writeArrayFieldStart("choices");
    g.writeStartObject();
    g.writeNumberField("index", index);
    g.writeObjectFieldStart("delta");
    if (!c.roleSent) {
      c.roleSent = true;
      g.writeStringField("role", "assistant");
    }
    return g;
  }

  /** Closes what {@link #open} started, with the choice's finish reason (or null), and sends. */
  private void close(JsonGenerator g, String finishReason) throws IOException {
    g.writeEndObject(); // delta
    if (finishReason == null) {
      g.writeNullField("finish_reason");
    } else {
      g.writeStringField("finish_reason", finishReason);
    }
    g.writeEndObject(); // choice
    g.writeEndArray();
    g.writeEndObject();
    send(g);
  }

  private JsonGenerator header() throws IOException {
    if (id == null) {
      // No ResponseStarted came: a Chat client still expects an id, a model and a time.
      id = "chatcmpl-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
      created = System.currentTimeMillis() / 1000;
    }
    buffer.reset();
    JsonGenerator g = JsonChecks.FACTORY.createGenerator(buffer);
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("object", "chat.completion.chunk");
    g.writeNumberField("created", created);
    g.writeStringField("model", model);
    return g;
  }

  private void send(JsonGenerator g) throws IOException {
    g.close();
    writer.data(buffer.toString());
  }
}
