package io.sluice.examples;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;

/** README.md's snippets; DocSnippetsTest checks that each appears here as it is printed. */
final class ReadmeSnippets {

  void officialSdkThroughTheGateway() {
    OpenAIClient client = OpenAIOkHttpClient.builder()
        .baseUrl("http://localhost:8080/v1").apiKey("unused-without-gateway-keys").build();
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("Hello").build();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(
          choice -> choice.delta().content().ifPresent(System.out::print)));
    }
  }

  void readingAStream(byte[] bytesAsTheyArrive) {
    SseReader reader = SseReader.create(new SseListener() {
      @Override public void onEvent(SseEvent event) {
        System.out.println(event.type() + ": " + event.data());
      }
      @Override public void onEnd(SseEnd end) {
        if (end == SseEnd.TRUNCATED) System.err.println("stream cut off mid-event");
      }
    });
    reader.feed(bytesAsTheyArrive);   // any split: one byte or a megabyte at a time
    reader.end();
  }
}
