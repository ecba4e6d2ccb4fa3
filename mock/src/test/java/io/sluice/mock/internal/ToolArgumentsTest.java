package io.sluice.mock.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ToolArgumentsTest {

  @Test
  void givesEveryPropertyAValueOfItsType() {
    JsonObject args = new JsonObject(ToolArguments.generate("""
        {"type":"object","properties":{"s":{"type":"string"},"i":{"type":"integer"},
         "n":{"type":"number"},"b":{"type":"boolean"},
         "a":{"type":"array","items":{"type":"integer"}},
         "o":{"type":"object","properties":{"x":{"type":"string"}}}}}""", 1));

    assertThat(args.getValue("s")).isInstanceOf(String.class);
    assertThat(args.getValue("i")).isInstanceOfAny(Integer.class, Long.class);
    assertThat(args.getValue("n")).isInstanceOf(Number.class);
    assertThat(args.getValue("b")).isInstanceOf(Boolean.class);
    assertThat(args.getJsonArray("a")).isNotEmpty().allMatch(Number.class::isInstance);
    assertThat(args.getJsonObject("o").getValue("x")).isInstanceOf(String.class);
  }

  @Test
  void picksFromEnumAndKeepsConst() {
    JsonObject args = new JsonObject(ToolArguments.generate("""
        {"type":"object","properties":{"e":{"enum":["a","b"]},"c":{"const":42}}}""", 7));

    assertThat(args.getString("e")).isIn("a", "b");
    assertThat(args.getInteger("c")).isEqualTo(42);
  }

  @Test
  void staysWithinNumericBoundsAndArraySizes() {
    for (long seed = 0; seed < 50; seed++) {
      JsonObject args = new JsonObject(ToolArguments.generate("""
          {"type":"object","properties":{"i":{"type":"integer","minimum":3,"maximum":5},
           "a":{"type":"array","items":{"type":"string"},"minItems":3,"maxItems":4}}}""", seed));

      assertThat(args.getInteger("i")).isBetween(3, 5);
      JsonArray a = args.getJsonArray("a");
      assertThat(a.size()).isBetween(3, 4);
    }
  }

  @Test
  void takesTheFirstNonNullTypeAndTheFirstBranch() {
    JsonObject args = new JsonObject(ToolArguments.generate("""
        {"type":"object","properties":{"t":{"type":["null","boolean"]},
         "u":{"anyOf":[{"type":"integer"},{"type":"string"}]}}}""", 3));

    assertThat(args.getValue("t")).isInstanceOf(Boolean.class);
    assertThat(args.getValue("u")).isInstanceOfAny(Integer.class, Long.class);
  }

  @Test
  void isDeterministicForASeed() {
    String schema = "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\"}}}";

    assertThat(ToolArguments.generate(schema, 9)).isEqualTo(ToolArguments.generate(schema, 9));
  }

  @Test
  void anEmptyOrBrokenSchemaGivesAnEmptyObject() {
    assertThat(ToolArguments.generate("", 1)).isEqualTo("{}");
    assertThat(ToolArguments.generate("{\"type\":\"object\"}", 1)).isEqualTo("{}");
    assertThat(ToolArguments.generate("not json", 1)).isEqualTo("{}");
    assertThat(ToolArguments.generate("[1]", 1)).isEqualTo("{}");
  }
}
