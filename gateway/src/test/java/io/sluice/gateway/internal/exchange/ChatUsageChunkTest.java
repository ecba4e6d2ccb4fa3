package io.sluice.gateway.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatUsageChunkTest {
  @Test
  void theUsageOnlyChunkIsRecognisedAndNothingElse() {
    assertThat(ChatUsageChunk.isUsageOnly("{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1}}"))
        .isTrue();
    assertThat(ChatUsageChunk.isUsageOnly("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{}}],"
        + "\"usage\":{\"prompt_tokens\":1}}")).isFalse(); // Mistral: usage on the finish chunk
    assertThat(ChatUsageChunk.isUsageOnly("{\"choices\":[],\"usage\":null}")).isFalse();
    assertThat(ChatUsageChunk.isUsageOnly("[DONE]")).isFalse();
  }

  @Test
  void aUsageObjectIsFoundWithWhitespaceAroundTheColon() {
    assertThat(ChatUsageChunk.isUsageOnly(
        "{ \"choices\" : [ ] , \"usage\"\r\n :\t{ \"prompt_tokens\" : 1 } }")).isTrue();
  }

  @Test
  void aNullUsageIsRejectedByTheByteScanAlone() {
    byte[] chunk = "{\"choices\":[],\"usage\": null}".getBytes(StandardCharsets.UTF_8);
    assertThat(ChatUsageChunk.usageObject(chunk, 0, chunk.length)).isFalse();
  }

  @Test
  void aLaterUsageKeyIsFoundAfterAnEarlierOneThatIsNoObject() {
    byte[] chunk = ("xx{\"meta\":{\"usage\":null},\"choices\":[],\"usage\":{\"total_tokens\":2}}yy")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(ChatUsageChunk.usageObject(chunk, 2, chunk.length - 4)).isTrue();
    assertThat(ChatUsageChunk.isUsageOnly(chunk, 2, chunk.length - 4)).isTrue();
  }

  @Test
  void aUsageObjectPastTheEndOfTheRangeIsNotSeen() {
    byte[] chunk = "{\"choices\":[],\"usage\":{}}".getBytes(StandardCharsets.UTF_8);
    int cut = new String(chunk, StandardCharsets.UTF_8).indexOf('{', 2); // the usage's brace
    assertThat(ChatUsageChunk.usageObject(chunk, 0, cut)).isFalse();
  }
}
