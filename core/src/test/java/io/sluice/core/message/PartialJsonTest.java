package io.sluice.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.internal.json.JsonChecks;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartialJsonTest {

  private static String complete(String prefix) {
    PartialJson json = new PartialJson();
    json.append(prefix);
    return json.completed().orElse("");
  }

  @Test
  void closesAnOpenStringValue() {
    assertThat(complete("{\"city\":\"Par")).isEqualTo("{\"city\":\"Par\"}");
  }

  @Test
  void dropsAnUnfinishedKey() {
    assertThat(complete("{\"a\":1,\"b")).isEqualTo("{\"a\":1}");
  }

  @Test
  void dropsAMemberWaitingForItsValue() {
    assertThat(complete("{\"a\":1,\"b\":")).isEqualTo("{\"a\":1}");
  }

  @Test
  void keepsANumberThatEndsInADigit() {
    assertThat(complete("{\"n\":12")).isEqualTo("{\"n\":12}");
    assertThat(complete("{\"n\":1.")).isEqualTo("{}");
  }

  @Test
  void keepsACompleteLiteralAndDropsAPartialOne() {
    assertThat(complete("{\"ok\":true")).isEqualTo("{\"ok\":true}");
    assertThat(complete("{\"ok\":tr")).isEqualTo("{}");
  }

  @Test
  void closesNestedContainersInOrder() {
    assertThat(complete("{\"a\":[1,{\"b\":[\"x")).isEqualTo("{\"a\":[1,{\"b\":[\"x\"]}]}");
  }

  @Test
  void dropsAHalfWrittenEscape() {
    assertThat(complete("{\"s\":\"a\\u00")).isEqualTo("{\"s\":\"a\"}");
    assertThat(complete("{\"s\":\"a\\")).isEqualTo("{\"s\":\"a\"}");
  }

  @Test
  void nothingYetGivesNoCompletion() {
    assertThat(new PartialJson().completed()).isEmpty();
  }

  @Test
  void textThatIsNotJsonGivesNoCompletion() {
    assertThat(complete("{\"a\" 1}")).isEmpty();
  }

  @Test
  void everyPrefixOfRealArgumentsCompletesToValidJsonAndTheWholeToItself() {
    List<String> documents = List.of(
        "{\"city\": \"Edinburgh\", \"country\": \"GB\", \"units\": \"c\"}",
        "{\"filename\":\"taxes.txt\",\"lines_of_text\":[\"# A\",\"\",\"## B \\\"q\\\" \\u00e9\"]}",
        "{\"a\":{\"b\":[1,2.5e3,-3,true,false,null,{},[]]},\"c\":\"我\"}",
        "[1, [2, [3, {\"k\": \"v\"}]]]",
        "{}");
    for (String doc : documents) {
      PartialJson json = new PartialJson();
      for (int i = 0; i < doc.length(); i++) {
        json.append(doc.substring(i, i + 1));
        json.completed().ifPresent(c ->
            assertThat(JsonChecks.isValid(c)).as("completion of a prefix: %s", c).isTrue());
      }
      assertThat(json.completed()).contains(doc);
      assertThat(json.text()).isEqualTo(doc);
    }
  }
}
