package io.sluice.gateway.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

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
}
