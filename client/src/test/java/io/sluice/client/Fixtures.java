package io.sluice.client;

import io.sluice.core.message.ChatRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared transcripts and client set-ups. */
final class Fixtures {
  private Fixtures() {}

  static final String CHAT_HELLO = """
      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"content":", world"},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}

      data: [DONE]

      """;

  /** One chunk of a chat stream carrying {@code text}. */
  static String chatDelta(String text) {
    return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"gpt-x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text
        + "\"},\"finish_reason\":null}]}\n\n";
  }

  static ChatRequest hello() {
    return ChatRequest.builder("gpt-x").user("Say hello").build();
  }

  /** Retries without real waiting: delays are recorded and the retry runs at once. */
  static final class RecordingDelayer implements io.sluice.client.internal.Delayer {
    final List<Duration> delays = new CopyOnWriteArrayList<>();

    @Override
    public void after(Duration delay, Runnable task) {
      delays.add(delay);
      task.run();
    }
  }

  static SluiceClient.Builder client(ProviderKind kind, String baseUrl) {
    return SluiceClient.builder(
        ProviderSettings.builder(kind).baseUrl(baseUrl).apiKey("sk-test-secret-123456").build());
  }

  static SluiceClient.Builder chat(String baseUrl) {
    return client(ProviderKind.OPENAI_CHAT, baseUrl);
  }

  static <T> List<T> list(Iterable<T> items) {
    List<T> out = new ArrayList<>();
    items.forEach(out::add);
    return out;
  }
}
