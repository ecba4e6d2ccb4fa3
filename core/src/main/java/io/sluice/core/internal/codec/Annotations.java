package io.sluice.core.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.event.Citation;
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes what every format attaches to text: citations and token log probabilities
 * (docs/wire-formats.md §a, §b, §c). One reader serves all three formats because their citation
 * objects share field names ({@code url}, {@code title}, {@code start_index}, {@code cited_text});
 * Chat nests them one level down under {@code url_citation}.
 */
public final class Annotations {

  private Annotations() {}

  /** A citation from its JSON object as a provider sent it; the JSON is kept whole. */
  public static Citation citation(String json) throws IOException {
    String type = "";
    String url = "";
    String title = "";
    String cited = "";
    int start = -1;
    int end = -1;
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a citation is not a JSON object");
      }
      // Chat: {"type":"url_citation","url_citation":{...}}: the fields are one level down.
      String[] fields = new String[4];
      int[] indices = {-1, -1};
      readFields(p, fields, indices, 0);
      type = fields[0] == null ? "" : fields[0];
      url = fields[1] == null ? "" : fields[1];
      title = fields[2] == null ? "" : fields[2];
      cited = fields[3] == null ? "" : fields[3];
      start = indices[0];
      end = indices[1];
    }
    return new Citation(type, url, title, cited, start, end, json);
  }

  private static void readFields(JsonParser p, String[] fields, int[] indices, int depth)
      throws IOException {
    while (JsonFields.next(p)) {
      String name = p.currentName();
      JsonToken value = p.currentToken();
      if (value == JsonToken.START_OBJECT) {
        if (depth == 0 && "url_citation".equals(name)) {
          readFields(p, fields, indices, 1);
        } else {
          p.skipChildren();
        }
        continue;
      }
      if (value == JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      switch (name) {
        case "type" -> {
          if (depth == 0 && value == JsonToken.VALUE_STRING) {
            fields[0] = p.getText();
          }
        }
        case "url" -> fields[1] = text(p, value);
        case "title", "document_title" -> {
          if (fields[2] == null) {
            fields[2] = text(p, value);
          }
        }
        case "cited_text" -> fields[3] = text(p, value);
        case "start_index" -> indices[0] = number(p, value);
        case "end_index" -> indices[1] = number(p, value);
        default -> { }
      }
    }
  }

  private static String text(JsonParser p, JsonToken value) throws IOException {
    return value == JsonToken.VALUE_STRING ? p.getText() : null;
  }

  private static int number(JsonParser p, JsonToken value) throws IOException {
    return value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
  }

  /**
   * A JSON array of token log probabilities ({@code [{token, logprob, bytes, top_logprobs}]}),
   * the parser on its {@code START_ARRAY}; {@code null} or anything else gives an empty list.
   */
  public static List<TokenLogprob> logprobs(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return List.of();
    }
    List<TokenLogprob> tokens = null; // most deltas carry "logprobs":[]: no list for those
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      if (tokens == null) {
        tokens = new ArrayList<>();
      }
      tokens.add(token(p));
    }
    return tokens == null ? List.of() : tokens;
  }

  private static TokenLogprob token(JsonParser p) throws IOException {
    String token = "";
    double logprob = 0;
    List<Integer> bytes = List.of();
    List<TokenLogprob> top = List.of();
    while (JsonFields.next(p)) {
      JsonToken value = p.currentToken();
      switch (p.currentName()) {
        case "token" -> token = value == JsonToken.VALUE_STRING ? p.getText() : "";
        case "logprob" -> logprob = value.isNumeric() ? p.getDoubleValue() : 0;
        case "bytes" -> {
          if (value == JsonToken.START_ARRAY) {
            List<Integer> list = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                list.add(p.getIntValue());
              }
            }
            bytes = list;
          }
        }
        case "top_logprobs" -> top = logprobs(p);
        default -> p.skipChildren();
      }
    }
    return new TokenLogprob(token, logprob, bytes, top);
  }

  /** Writes token log probabilities as the OpenAI array both Chat and Responses use. */
  public static void writeLogprobs(JsonGenerator g, List<TokenLogprob> tokens, boolean top)
      throws IOException {
    g.writeStartArray();
    for (TokenLogprob t : tokens) {
      g.writeStartObject();
      g.writeStringField("token", t.token());
      g.writeNumberField("logprob", t.logprob());
      g.writeArrayFieldStart("bytes");
      for (int b : t.bytes()) {
        g.writeNumber(b);
      }
      g.writeEndArray();
      if (top) {
        g.writeFieldName("top_logprobs");
        writeLogprobs(g, t.top(), false);
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** The top-level field {@code name} of a JSON object as raw JSON, or null when absent. */
  public static String rawField(String json, String name) throws IOException {
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      return p.nextToken() == JsonToken.START_OBJECT && JsonFields.find(p, name)
          ? JsonChecks.copyToString(p) : null;
    }
  }

  /** The top-level string field {@code name} of a JSON object, or empty. */
  public static String stringField(String json, String name) {
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      String value = p.nextToken() == JsonToken.START_OBJECT && JsonFields.find(p, name)
          ? JsonFields.string(p) : null;
      return value == null ? "" : value;
    } catch (IOException e) {
      return ""; // the caller's JSON was parsed once already; a bad one has no such field
    }
  }
}
