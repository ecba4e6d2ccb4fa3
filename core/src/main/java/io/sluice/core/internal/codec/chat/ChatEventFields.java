package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.internal.codec.Annotations;
import io.sluice.core.internal.json.JsonChecks;
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

  /** Whether {@link #id} and {@link #model} are still wanted; once known, they are skipped. */
  boolean wantMeta = true;

  String id;
  String model;
  long created;
  final List<Choice> choices = new ArrayList<>();
  int choiceCount;

  boolean hasUsage;
  long promptTokens;
  long completionTokens;
  long cachedTokens;
  long reasoningTokens;
  long totalTokens;
  boolean hasTotal;

  /** A provider error in the stream: {@code {"error":{…}}}, or Mistral's flat error object. */
  boolean hasError;
  ChatErrors.Info error;

  private boolean flatError;

  private void reset() {
    id = "";
    model = "";
    created = 0;
    choiceCount = 0;
    hasUsage = false;
    hasTotal = false;
    promptTokens = completionTokens = cachedTokens = reasoningTokens = totalTokens = 0;
    hasError = false;
    error = null;
    flatError = false;
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
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "id":
          // Every chunk repeats id and model: after the first, skip them without a String.
          id = wantMeta && t == JsonToken.VALUE_STRING ? p.getText() : "";
          break;
        case "model":
          model = wantMeta && t == JsonToken.VALUE_STRING ? p.getText() : "";
          break;
        case "created":
          created = t.isNumeric() ? p.getLongValue() : 0;
          break;
        case "choices":
          if (t == JsonToken.START_ARRAY) {
            readChoices(p);
          } else {
            p.skipChildren();
          }
          break;
        case "usage":
          if (t == JsonToken.START_OBJECT) {
            readUsage(p);
          } else {
            p.skipChildren();
          }
          break;
        case "error":
          if (t != JsonToken.VALUE_NULL) {
            hasError = true;
            error = ChatErrors.readError(p);
          }
          break;
        case "object":
          // Mistral sends errors flat: {"object":"error","message":…,"type":…,"code":…}.
          flatError = t == JsonToken.VALUE_STRING && "error".equals(p.getText());
          break;
        case "message":
          flatMessage = ChatErrors.readMessage(p);
          break;
        case "type":
          flatType = t == JsonToken.VALUE_STRING ? p.getText() : null;
          break;
        case "code":
          flatCode = ChatErrors.readCode(p);
          break;
        default:
          p.skipChildren();
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

  private void readChoices(JsonParser p) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
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
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "index":
            c.index = v.isNumeric() ? p.getIntValue() : 0;
            break;
          case "finish_reason":
            c.finishReason = v == JsonToken.VALUE_STRING ? p.getText() : null;
            break;
          case "delta":
          case "message": // some compatible servers stream a "message" in place of "delta"
            if (v == JsonToken.START_OBJECT) {
              readDelta(p, c);
            } else {
              p.skipChildren();
            }
            break;
          case "logprobs":
            if (v == JsonToken.START_OBJECT) {
              readLogprobs(p, c);
            } else {
              p.skipChildren();
            }
            break;
          default:
            p.skipChildren(); // content_filter_results, stop_reason, …
        }
      }
    }
  }

  private void readDelta(JsonParser p, Choice c) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "content":
          if (v == JsonToken.VALUE_STRING) {
            addText(c, OpKind.TEXT, p.getText());
          } else if (v == JsonToken.START_ARRAY) {
            readContentArray(p, c); // Mistral: [{type:"thinking",…},{type:"text",…}]
          } else {
            p.skipChildren();
          }
          break;
        case "reasoning_content": // DeepSeek, xAI, Azure AI Foundry
        case "reasoning": // vLLM, OpenRouter
          if (v == JsonToken.VALUE_STRING) {
            addText(c, OpKind.REASONING, p.getText());
          } else {
            p.skipChildren();
          }
          break;
        case "refusal":
          if (v == JsonToken.VALUE_STRING) {
            addText(c, OpKind.REFUSAL, p.getText());
          } else {
            p.skipChildren();
          }
          break;
        case "tool_calls":
          if (v == JsonToken.START_ARRAY) {
            readToolCalls(p, c);
          } else {
            p.skipChildren();
          }
          break;
        case "annotations":
          if (v == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (p.currentToken() == JsonToken.START_OBJECT) {
                c.annotations.add(JsonChecks.copyToString(p));
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren(); // role, audio, …
      }
    }
  }

  private static void readLogprobs(JsonParser p, Choice c) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "content" -> c.contentLogprobs = Annotations.logprobs(p);
        case "refusal" -> c.refusalLogprobs = Annotations.logprobs(p);
        default -> p.skipChildren();
      }
    }
  }

  private static void addText(Choice c, OpKind kind, String text) {
    if (!text.isEmpty()) {
      c.text(kind, text);
    }
  }

  /** Reads a content array (Mistral chunks) as text and reasoning pieces of {@code c}. */
  static void readContentArray(JsonParser p, Choice c) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_STRING) {
        addText(c, OpKind.TEXT, p.getText());
        continue;
      }
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      String type = null;
      String text = null;
      StringBuilder thinking = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("type".equals(field) && v == JsonToken.VALUE_STRING) {
          type = p.getText();
        } else if ("text".equals(field) && v == JsonToken.VALUE_STRING) {
          text = p.getText();
        } else if ("thinking".equals(field)) {
          thinking = readThinking(p, v);
        } else {
          p.skipChildren();
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
  private static StringBuilder readThinking(JsonParser p, JsonToken v) throws IOException {
    StringBuilder sb = new StringBuilder();
    if (v == JsonToken.VALUE_STRING) {
      return sb.append(p.getText());
    }
    if (v != JsonToken.START_ARRAY) {
      p.skipChildren();
      return sb;
    }
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        if (p.nextToken() == JsonToken.VALUE_STRING && "text".equals(field)) {
          sb.append(p.getText());
        } else {
          p.skipChildren();
        }
      }
    }
    return sb;
  }

  private void readToolCalls(JsonParser p, Choice c) throws IOException {
    JsonToken t;
    int position = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      Op op = c.nextOp();
      op.tool(position++);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "index":
            op.toolIndex = v.isNumeric() ? p.getIntValue() : -1;
            break;
          case "id":
            op.id = v == JsonToken.VALUE_STRING ? p.getText() : null;
            break;
          case "function":
            if (v == JsonToken.START_OBJECT) {
              readFunction(p, op);
            } else {
              p.skipChildren();
            }
            break;
          default:
            p.skipChildren(); // type (missing on Azure AI Foundry and Mistral)
        }
      }
    }
  }

  private static void readFunction(JsonParser p, Op op) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("name".equals(field) && v == JsonToken.VALUE_STRING) {
        op.name = p.getText();
      } else if ("arguments".equals(field) && v == JsonToken.VALUE_STRING) {
        op.arguments = p.getText();
      } else if ("arguments".equals(field) && v == JsonToken.START_OBJECT) {
        // A few compatible servers send the arguments as an object: keep its JSON text.
        op.arguments = JsonChecks.copyToString(p);
      } else {
        p.skipChildren();
      }
    }
  }

  private void readUsage(JsonParser p) throws IOException {
    hasUsage = true;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "prompt_tokens":
          promptTokens = v.isNumeric() ? p.getLongValue() : 0;
          break;
        case "completion_tokens":
          completionTokens = v.isNumeric() ? p.getLongValue() : 0;
          break;
        case "total_tokens":
          hasTotal = v.isNumeric();
          totalTokens = hasTotal ? p.getLongValue() : 0;
          break;
        case "prompt_tokens_details":
          cachedTokens = v == JsonToken.START_OBJECT ? readDetail(p, "cached_tokens") : skip(p);
          break;
        case "completion_tokens_details":
          reasoningTokens =
              v == JsonToken.START_OBJECT ? readDetail(p, "reasoning_tokens") : skip(p);
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private static long skip(JsonParser p) throws IOException {
    p.skipChildren();
    return 0;
  }

  /** The numeric field {@code name} of the current object; the rest is skipped. */
  static long readDetail(JsonParser p, String name) throws IOException {
    long value = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals(field) && v.isNumeric()) {
        value = p.getLongValue();
      } else {
        p.skipChildren();
      }
    }
    return value;
  }
}
