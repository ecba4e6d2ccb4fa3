package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.codec.Annotations;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.internal.json.Utf8Parsers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code chat.completion.chunk}, read with the streaming parser into reusable scratch objects:
 * a decoder owns one and refills it per SSE event, so a chunk allocates little beyond its strings.
 * Only the fields sluice uses are read; every other subtree ({@code logprobs},
 * {@code content_filter_results}, {@code obfuscation}, …) is skipped with {@code skipChildren}.
 *
 * <p>The whole chunk is read before anything is emitted because its fields come in any order:
 * Azure puts {@code choices} before {@code id} and {@code model}.
 */
final class ChatEventFields {

  /** What one piece of a choice's delta adds. */
  enum OpKind { TEXT, REASONING, REFUSAL, TOOL }

  /** One piece of a delta, in wire order: a text of some kind, or one tool-call fragment. */
  static final class Op {
    OpKind kind;
    String text;
    /** Tool fragment: the provider's {@code index}, or -1 when missing or null. */
    int toolIndex;
    /** Tool fragment: position among the delta's {@code tool_calls} entries. */
    int position;
    String id;
    String name;
    String arguments;

    void tool(int position) {
      this.kind = OpKind.TOOL;
      this.text = null;
      this.toolIndex = -1;
      this.position = position;
      this.id = null;
      this.name = null;
      this.arguments = null;
    }
  }

  /** One entry of {@code choices}. */
  static final class Choice {
    int index;
    String finishReason;
    final List<Op> ops = new ArrayList<>();
    int opCount;
    /** {@code delta.annotations} entries as raw JSON. */
    final List<String> annotations = new ArrayList<>(0);
    /** {@code logprobs.content} and {@code logprobs.refusal}; empty when absent or null. */
    List<TokenLogprob> contentLogprobs = List.of();
    List<TokenLogprob> refusalLogprobs = List.of();

    Op nextOp() {
      if (opCount == ops.size()) {
        ops.add(new Op());
      }
      return ops.get(opCount++);
    }

    void text(OpKind kind, String text) {
      Op op = nextOp();
      op.kind = kind;
      op.text = text;
    }
  }

  private final ChatFlatChunkReader flat = new ChatFlatChunkReader(this);

  /** Whether {@link #id} and {@link #model} are still wanted; once known, they are skipped. */
  boolean wantMeta = true;

  String id;
  String model;
  long created;
  final List<Choice> choices = new ArrayList<>();
  int choiceCount;

  /** The chunk's {@code usage}, or null when it has none. */
  Usage usage;

  /** A provider error in the stream: {@code {"error":{…}}}, or Mistral's flat error object. */
  boolean hasError;
  ChatErrors.Info error;

  private boolean flatError;

  void reset() {
    id = "";
    model = "";
    created = 0;
    choiceCount = 0;
    usage = null;
    hasError = false;
    error = null;
    flatError = false;
  }

  /** Reads one chunk's payload; throws on JSON that does not parse or is not one object. */
  void read(byte[] data, int offset, int length) throws IOException {
    if (!flat.read(data, offset, length)) {
      readWithParser(data, offset, length);
    }
  }

  /** The fast path alone: false, the fields then undefined, for a chunk it leaves to Jackson. */
  boolean readFlat(byte[] data, int offset, int length) {
    return flat.read(data, offset, length);
  }

  /** As {@link #read}, always with Jackson: what {@link ChatFlatChunkReader} must agree with. */
  void readWithParser(byte[] data, int offset, int length) throws IOException {
    try (JsonParser p = Utf8Parsers.open(data, offset, length)) {
      read(p);
    }
  }

  /** Reads one chunk; throws on JSON that does not parse or is not one object. */
  void read(JsonParser p) throws IOException {
    reset();
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("a chunk must be a JSON object");
    }
    String flatMessage = null;
    String flatType = null;
    String flatCode = "";
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        // Every chunk repeats id and model: after the first, skip them without a String.
        case "id" -> id = meta(p);
        case "model" -> model = meta(p);
        case "created" -> created = JsonFields.number(p, 0);
        case "choices" -> readChoices(p);
        case "usage" -> usage = JsonFields.isObject(p) ? ChatJson.readUsage(p) : usage;
        case "error" -> {
          if (p.currentToken() != JsonToken.VALUE_NULL) {
            hasError = true;
            error = ChatErrors.readError(p);
          }
        }
        // Mistral sends errors flat: {"object":"error","message":…,"type":…,"code":…}.
        case "object" -> flatError = "error".equals(JsonFields.string(p));
        case "message" -> flatMessage = ChatErrors.readMessage(p);
        case "type" -> flatType = JsonFields.string(p);
        case "code" -> flatCode = ChatErrors.readCode(p);
        default -> p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw new IOException("unexpected content after the chunk's JSON object");
    }
    if (flatError && !hasError) {
      hasError = true;
      error = new ChatErrors.Info(flatType == null ? "" : flatType, flatCode,
          flatMessage == null ? "" : flatMessage);
    }
  }

  private String meta(JsonParser p) throws IOException {
    if (wantMeta && p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return "";
  }

  /** The next choice of this chunk: reused from an earlier chunk when there is one, reset. */
  Choice nextChoice() {
    if (choiceCount == choices.size()) {
      choices.add(new Choice());
    }
    Choice c = choices.get(choiceCount++);
    c.index = 0;
    c.finishReason = null;
    c.opCount = 0;
    c.annotations.clear();
    c.contentLogprobs = List.of();
    c.refusalLogprobs = List.of();
    return c;
  }

  private void readChoices(JsonParser p) throws IOException {
    if (!JsonFields.isArray(p)) {
      return;
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (!JsonFields.isObject(p)) {
        continue;
      }
      Choice c = nextChoice();
      while (JsonFields.next(p)) {
        switch (p.currentName()) {
          case "index" -> c.index = (int) JsonFields.number(p, 0);
          case "finish_reason" -> c.finishReason = JsonFields.string(p);
          // Some compatible servers stream a "message" in place of "delta".
          case "delta", "message" -> readDelta(p, c);
          case "logprobs" -> readLogprobs(p, c);
          default -> p.skipChildren(); // content_filter_results, stop_reason, …
        }
      }
    }
  }

  private void readDelta(JsonParser p, Choice c) throws IOException {
    if (!JsonFields.isObject(p)) {
      return;
    }
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "content" -> {
          if (p.currentToken() == JsonToken.START_ARRAY) {
            readContentArray(p, c); // Mistral: [{type:"thinking",…},{type:"text",…}]
          } else {
            addText(c, OpKind.TEXT, JsonFields.string(p));
          }
        }
        // DeepSeek, xAI and Azure AI Foundry send reasoning_content; vLLM and OpenRouter reasoning.
        case "reasoning_content", "reasoning" -> addText(c, OpKind.REASONING, JsonFields.string(p));
        case "refusal" -> addText(c, OpKind.REFUSAL, JsonFields.string(p));
        case "tool_calls" -> readToolCalls(p, c);
        case "annotations" -> {
          if (JsonFields.isArray(p)) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (JsonFields.isObject(p)) {
                c.annotations.add(JsonChecks.copyToString(p));
              }
            }
          }
        }
        default -> p.skipChildren(); // role, audio, …
      }
    }
  }

  private static void readLogprobs(JsonParser p, Choice c) throws IOException {
    if (!JsonFields.isObject(p)) {
      return;
    }
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "content" -> c.contentLogprobs = Annotations.logprobs(p);
        case "refusal" -> c.refusalLogprobs = Annotations.logprobs(p);
        default -> p.skipChildren();
      }
    }
  }

  /** Adds a text of {@code kind}; null (a value that was not a string) and empty add nothing. */
  static void addText(Choice c, OpKind kind, String text) {
    if (text != null && !text.isEmpty()) {
      c.text(kind, text);
    }
  }

  /** Reads a content array (Mistral chunks) as text and reasoning pieces of {@code c}. */
  static void readContentArray(JsonParser p, Choice c) throws IOException {
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        addText(c, OpKind.TEXT, p.getText());
        continue;
      }
      if (!JsonFields.isObject(p)) {
        continue;
      }
      String type = null;
      String text = null;
      StringBuilder thinking = null;
      while (JsonFields.next(p)) {
        switch (p.currentName()) {
          case "type" -> type = JsonFields.string(p);
          case "text" -> text = JsonFields.string(p);
          case "thinking" -> thinking = readThinking(p);
          default -> p.skipChildren();
        }
      }
      if ("thinking".equals(type) && thinking != null) {
        addText(c, OpKind.REASONING, thinking.toString());
      } else if ((type == null || "text".equals(type)) && text != null) {
        addText(c, OpKind.TEXT, text);
      }
      // Other chunk types (reference, image_url, …) carry no text of ours: skipped.
    }
  }

  /** Mistral thinking: an array of {@code {type:"text",text}} (or, leniently, a string). */
  private static StringBuilder readThinking(JsonParser p) throws IOException {
    StringBuilder sb = new StringBuilder();
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return sb.append(p.getText());
    }
    if (!JsonFields.isArray(p)) {
      return sb;
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (!JsonFields.isObject(p)) {
        continue;
      }
      while (JsonFields.next(p)) {
        String text = "text".equals(p.currentName()) ? JsonFields.string(p) : skip(p);
        if (text != null) {
          sb.append(text);
        }
      }
    }
    return sb;
  }

  private void readToolCalls(JsonParser p, Choice c) throws IOException {
    if (!JsonFields.isArray(p)) {
      return;
    }
    int position = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (JsonFields.isObject(p)) {
        Op op = c.nextOp();
        op.tool(position++);
        readToolCall(p, op);
      }
    }
  }

  /**
   * One entry of {@code tool_calls}, the parser on its START_OBJECT: a stream's fragment or a
   * whole call of a message. A few compatible servers send the arguments as an object: its JSON
   * text is kept. The {@code type} is not read: Azure AI Foundry and Mistral leave it out.
   */
  static void readToolCall(JsonParser p, Op op) throws IOException {
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "index" -> op.toolIndex = (int) JsonFields.number(p, -1);
        case "id" -> op.id = JsonFields.string(p);
        case "function" -> readFunction(p, op);
        default -> p.skipChildren();
      }
    }
  }

  private static void readFunction(JsonParser p, Op op) throws IOException {
    if (!JsonFields.isObject(p)) {
      return;
    }
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "name" -> op.name = JsonFields.string(p);
        case "arguments" -> op.arguments = p.currentToken() == JsonToken.START_OBJECT
            ? JsonChecks.copyToString(p) : JsonFields.string(p);
        default -> p.skipChildren();
      }
    }
  }

  private static String skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }
}
