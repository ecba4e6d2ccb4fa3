package io.sluice.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {

  private static JsonParser onObject(String json) throws IOException {
    JsonParser p = JsonChecks.FACTORY.createParser(json);
    assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
    return p;
  }

  /** Walks an object, skipping every value: the names, in order. */
  private static List<String> names(JsonParser p) throws IOException {
    List<String> names = new ArrayList<>();
    while (JsonFields.next(p)) {
      names.add(p.currentName());
      p.skipChildren();
    }
    return names;
  }

  @Test
  void nextStopsOnEachValueWithItsFieldNameWhateverTheValue() throws IOException {
    try (JsonParser p = onObject("{\"a\":1,\"b\":{\"x\":2},\"c\":[3],\"d\":null}")) {
      assertThat(names(p)).containsExactly("a", "b", "c", "d");
      assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
      assertThat(p.nextToken()).isNull();
    }
  }

  @Test
  void aValueOfAnotherTypeIsSkippedWholeSoItsFieldsNeverReadAsTheParents() throws IOException {
    try (JsonParser p = onObject("{\"a\":{\"b\":1,\"c\":2},\"d\":[{\"e\":3}],\"f\":\"s\"}")) {
      List<String> seen = new ArrayList<>();
      while (JsonFields.next(p)) {
        seen.add(p.currentName() + "=" + JsonFields.string(p));
      }
      assertThat(seen).containsExactly("a=null", "d=null", "f=s");
      assertThat(p.nextToken()).isNull();
    }
  }

  @Test
  void isObjectAndIsArraySkipAnyOtherValue() throws IOException {
    try (JsonParser p = onObject("{\"a\":[1,{\"b\":2}],\"c\":{\"d\":3},\"e\":{\"f\":4}}")) {
      assertThat(JsonFields.next(p)).isTrue();
      assertThat(JsonFields.isObject(p)).isFalse();
      assertThat(JsonFields.next(p)).isTrue();
      assertThat(JsonFields.isArray(p)).isFalse();
      assertThat(JsonFields.next(p)).isTrue();
      assertThat(JsonFields.isObject(p)).isTrue();
      assertThat(names(p)).containsExactly("f");
      assertThat(JsonFields.next(p)).isFalse();
    }
  }

  @Test
  void scalarsReadAsTheirTypeOrTheFallback() throws IOException {
    try (JsonParser p = onObject(
        "{\"s\":\"x\",\"i\":7,\"f\":2.9,\"b\":true,\"n\":null,\"o\":{\"k\":1}}")) {
      JsonFields.next(p);
      assertThat(JsonFields.text(p, "-")).isEqualTo("x");
      JsonFields.next(p);
      assertThat(JsonFields.integer(p, -1)).isEqualTo(7);
      JsonFields.next(p);
      assertThat(JsonFields.integer(p, -1)).isEqualTo(-1);
      JsonFields.next(p);
      assertThat(JsonFields.text(p, "-")).isEqualTo("true");
      JsonFields.next(p);
      assertThat(JsonFields.text(p, "-")).isEqualTo("-");
      JsonFields.next(p);
      assertThat(JsonFields.number(p, -1)).isEqualTo(-1);
      assertThat(JsonFields.next(p)).isFalse();
    }
  }

  @Test
  void aFractionReadsAsItsWholePart() throws IOException {
    try (JsonParser p = onObject("{\"f\":2.9}")) {
      JsonFields.next(p);
      assertThat(JsonFields.number(p, 0)).isEqualTo(2);
    }
  }

  @Test
  void findStepsOntoTheFirstFieldOfThatName() throws IOException {
    try (JsonParser p = onObject("{\"a\":{\"k\":1},\"k\":\"first\",\"k\":\"second\"}")) {
      assertThat(JsonFields.find(p, "k")).isTrue();
      assertThat(JsonFields.string(p)).isEqualTo("first");
      assertThat(JsonFields.find(p, "k")).isTrue();
      assertThat(JsonFields.string(p)).isEqualTo("second");
      assertThat(JsonFields.find(p, "k")).isFalse();
      assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
    }
  }

  @Test
  void stringFieldReadsTheLastStringOfThatNameAndEndsOnTheObjectsEnd() throws IOException {
    try (JsonParser p = onObject("{\"o\":{\"url\":\"a\",\"url\":3,\"x\":[1],\"url\":\"b\"},\"z\":1}")) {
      JsonFields.next(p);
      assertThat(JsonFields.stringField(p, "url")).isEqualTo("b");
      assertThat(names(p)).containsExactly("z");
    }
  }

  @Test
  void rawKeepsTheValueAsItCame() throws IOException {
    String json = "{\"a\": { \"b\" : [1, 2.50] }, \"c\": 1}";
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      p.nextToken();
      JsonFields.next(p);
      assertThat(JsonFields.raw(p, json)).isEqualTo("{ \"b\" : [1, 2.50] }");
      assertThat(names(p)).containsExactly("c");
    }
  }

  @Test
  void aKnownStringIsTheKnownInstanceAndAnyOtherStringIsRead() throws IOException {
    KnownStrings known = new KnownStrings("text_delta", "ping", "thinking_delta");
    String json = "{\"a\":\"text_delta\",\"b\":\"text_deltas\",\"c\":\"pong\","
        + "\"d\":\"t\\u0065xt_delta\",\"e\":\"\",\"f\":7,\"g\":{\"h\":\"ping\"}}";
    try (JsonParser p = onObject(json)) {
      List<String> read = new ArrayList<>();
      while (JsonFields.next(p)) {
        read.add(JsonFields.string(p, known));
      }
      assertThat(read).containsExactly(
          "text_delta", "text_deltas", "pong", "text_delta", "", null, null);
      assertThat(read.get(0)).isSameAs(known.find("text_delta".toCharArray(), 0, 10));
      assertThat(read.get(3)).as("an escaped spelling is the same value").isSameAs(read.get(0));
      assertThat(p.nextToken()).isNull();
    }
  }

  @Test
  void aRepeatedStringIsThePreviousInstance() throws IOException {
    String previous = new String("msg_1");
    try (JsonParser p = onObject("{\"a\":\"msg_1\",\"b\":\"msg_2\",\"c\":[1],\"d\":\"msg_1\"}")) {
      JsonFields.next(p);
      assertThat(JsonFields.repeated(p, previous)).isSameAs(previous);
      JsonFields.next(p);
      assertThat(JsonFields.repeated(p, previous)).isEqualTo("msg_2");
      JsonFields.next(p);
      assertThat(JsonFields.repeated(p, previous)).isNull();
      JsonFields.next(p);
      assertThat(JsonFields.repeated(p, null)).isEqualTo("msg_1");
      assertThat(JsonFields.next(p)).isFalse();
    }
  }
}
