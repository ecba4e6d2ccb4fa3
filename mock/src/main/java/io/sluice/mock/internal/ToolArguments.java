package io.sluice.mock.internal;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Arguments for a tool call that fit the tool's JSON Schema: every property of an object (required
 * or not), {@code enum} and {@code const} values, numbers within {@code minimum}/{@code maximum},
 * arrays within {@code minItems}/{@code maxItems}, the first branch of {@code anyOf}/{@code oneOf}.
 * Deterministic for a given seed. What it does not understand ({@code $ref}, patterns) gets a
 * plain value of the declared type, or {@code null} when there is no type.
 */
final class ToolArguments {
  private static final int MAX_DEPTH = 16;

  private ToolArguments() {}

  /** The arguments as JSON text; a schema that is not a JSON object yields {@code {}}. */
  static String generate(String schemaJson, long seed) {
    JsonObject schema;
    try {
      schema = new JsonObject(schemaJson.isBlank() ? "{}" : schemaJson);
    } catch (DecodeException | ClassCastException e) {
      return "{}";
    }
    Object value;
    try {
      value = value(schema, new SplittableRandom(seed), 0);
    } catch (ClassCastException e) {
      return "{}"; // A keyword of the wrong type, such as "minItems": "two".
    }
    return value instanceof JsonObject ? ((JsonObject) value).encode() : new JsonObject().encode();
  }

  private static Object value(JsonObject schema, SplittableRandom random, int depth) {
    if (depth > MAX_DEPTH) {
      return null;
    }
    if (schema.containsKey("const")) {
      return schema.getValue("const");
    }
    JsonArray choices = schema.getJsonArray("enum");
    if (choices != null && !choices.isEmpty()) {
      return choices.getValue(random.nextInt(choices.size()));
    }
    for (String combinator : new String[] {"anyOf", "oneOf", "allOf"}) {
      JsonArray branches = schema.getJsonArray(combinator);
      if (branches != null && !branches.isEmpty() && branches.getValue(0) instanceof JsonObject) {
        return value(branches.getJsonObject(0), random, depth + 1);
      }
    }
    switch (type(schema)) {
      case "object":
        JsonObject out = new JsonObject();
        JsonObject properties = schema.getJsonObject("properties", new JsonObject());
        for (Map.Entry<String, Object> p : properties) {
          JsonObject sub = p.getValue() instanceof JsonObject ? (JsonObject) p.getValue()
              : new JsonObject();
          out.put(p.getKey(), value(sub, random, depth + 1));
        }
        return out;
      case "array":
        JsonArray array = new JsonArray();
        int min = schema.getInteger("minItems", 1);
        int max = schema.getInteger("maxItems", Math.max(min, 2));
        int n = Math.max(0, Math.min(Math.max(min, 2), max));
        JsonObject items = schema.getValue("items") instanceof JsonObject
            ? schema.getJsonObject("items") : new JsonObject().put("type", "string");
        for (int i = 0; i < n; i++) {
          array.add(value(items, random, depth + 1));
        }
        return array;
      case "integer":
        return (long) Math.floor(number(schema, random));
      case "number":
        return Math.floor(number(schema, random) * 100) / 100;
      case "boolean":
        return random.nextBoolean();
      case "string":
        return string(schema, random);
      default:
        return null;
    }
  }

  private static String type(JsonObject schema) {
    Object type = schema.getValue("type");
    if (type instanceof JsonArray) {
      for (Object t : (JsonArray) type) {
        if (!"null".equals(t)) {
          return String.valueOf(t);
        }
      }
      return "null";
    }
    if (type instanceof String) {
      return (String) type;
    }
    return schema.containsKey("properties") ? "object" : "none";
  }

  private static double number(JsonObject schema, SplittableRandom random) {
    double min = bound(schema, "minimum", "exclusiveMinimum", 0, 1);
    double max = bound(schema, "maximum", "exclusiveMaximum", min + 100, -1);
    if (max < min) {
      max = min;
    }
    return min + random.nextDouble() * (max - min);
  }

  private static double bound(JsonObject schema, String inclusive, String exclusive,
      double fallback, int step) {
    Object value = schema.getValue(inclusive);
    if (value instanceof Number) {
      return ((Number) value).doubleValue();
    }
    value = schema.getValue(exclusive);
    if (value instanceof Number) {
      return ((Number) value).doubleValue() + step;
    }
    return fallback;
  }

  private static String string(JsonObject schema, SplittableRandom random) {
    String format = schema.getString("format", "");
    switch (format) {
      case "date":
        return "2025-01-0" + (1 + random.nextInt(9));
      case "date-time":
        return "2025-01-0" + (1 + random.nextInt(9)) + "T12:00:00Z";
      case "email":
        return Words.word(random.nextInt(Words.COUNT)) + "@example.com";
      case "uri":
        return "https://example.com/" + Words.word(random.nextInt(Words.COUNT));
      default:
        break;
    }
    StringBuilder sb = new StringBuilder(Words.word(random.nextInt(Words.COUNT)));
    int min = schema.getInteger("minLength", 0);
    while (sb.length() < min) {
      sb.append(' ').append(Words.word(random.nextInt(Words.COUNT)));
    }
    int max = schema.getInteger("maxLength", Integer.MAX_VALUE);
    return sb.length() > max ? sb.substring(0, Math.max(max, 0)) : sb.toString();
  }
}
