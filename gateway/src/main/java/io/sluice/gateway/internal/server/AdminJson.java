package io.sluice.gateway.internal.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.KeyLimits;
import io.sluice.gateway.internal.ledger.LedgerException;
import io.sluice.gateway.internal.ledger.Spend;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The admin API's JSON: a small tree reader for its request bodies, and its answers. */
final class AdminJson {
  private static final JsonFactory JSON = new JsonFactory();
  /** Nesting the admin bodies need, and a bound for a hostile one. */
  private static final int MAX_DEPTH = 8;

  private AdminJson() {}

  /** The body as a map; a 400 {@link LedgerException} when it is not a JSON object. */
  static Map<String, Object> object(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new LedgerException(400, "the body must be a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> out = (Map<String, Object>) value(p, 0);
      if (p.nextToken() != null) {
        throw new LedgerException(400, "unexpected content after the JSON object");
      }
      return out;
    } catch (IOException e) {
      throw new LedgerException(400, "the body is not valid JSON");
    }
  }

  private static Object value(JsonParser p, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new LedgerException(400, "the body nests deeper than " + MAX_DEPTH + " levels");
    }
    switch (p.currentToken()) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, value(p, depth + 1));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p, depth + 1));
        }
        return l;
      }
      case VALUE_STRING: return p.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT: return p.getDecimalValue();
      case VALUE_TRUE: return Boolean.TRUE;
      case VALUE_FALSE: return Boolean.FALSE;
      default: return "";
    }
  }

  interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  static String write(Fields fields) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** A key as the admin API shows it: never its hash, and never its secret. */
  static void key(JsonGenerator g, AccessKey k, String source) throws IOException {
    g.writeStringField("id", k.id());
    g.writeStringField("source", source);
    g.writeArrayFieldStart("models");
    for (String m : k.models()) {
      g.writeString(m);
    }
    g.writeEndArray();
    g.writeNumberField("concurrency", k.concurrency());
    KeyLimits l = k.limits();
    g.writeObjectFieldStart("limits");
    g.writeNumberField("requests", l.requests());
    g.writeNumberField("tokens", l.tokens());
    g.writeStringField("window", l.window().toMillis() + "ms");
    g.writeEndObject();
    g.writeObjectFieldStart("budget");
    g.writeNumberField("usd", l.budgetUsd());
    g.writeStringField("period", l.period().name().toLowerCase(Locale.ROOT));
    g.writeEndObject();
    g.writeStringField("mode", l.hard() ? "hard" : "soft");
  }

  static void spend(JsonGenerator g, Spend s) throws IOException {
    g.writeNumberField("requests", s.requests());
    g.writeNumberField("tokens_in", s.inputTokens());
    g.writeNumberField("tokens_out", s.outputTokens());
    g.writeNumberField("tokens_cache_read", s.cacheReadTokens());
    g.writeNumberField("tokens_cache_write", s.cacheWriteTokens());
    g.writeNumberField("tokens_reasoning", s.reasoningTokens());
    g.writeNumberField("usd", s.usd());
    g.writeNumberField("unpriced_requests", s.unpricedRequests());
    g.writeNumberField("estimated_requests", s.estimatedRequests());
  }

  static String error(String message) {
    return write(g -> {
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      g.writeEndObject();
    });
  }
}
