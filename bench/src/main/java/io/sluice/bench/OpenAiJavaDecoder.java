package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.core.handlers.SseHandler;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.SseMessage;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStreamEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Iterator;

/**
 * openai-java's own streaming path, as {@code client.chat().completions().createStreaming(…)} and
 * {@code client.responses().createStreaming(…)} run it on a response body, minus the network:
 *
 * <ol>
 *   <li>{@code com.openai.core.handlers.SseHandler.sseHandler(jsonMapper)} (the SDK's handler:
 *       {@code BufferedReader} lines of the body, its {@code SseState} line parser, stop at
 *       {@code [DONE]}, each message's data read into a {@code JsonNode} to look for an
 *       {@code error}), on an {@link HttpResponse} whose body is a {@link ByteArrayInputStream} of
 *       the bytes;</li>
 *   <li>what the SDK's inline {@code mapJson<T>()} step does per message:
 *       {@code jsonMapper.readerFor(T).readValue(message.jsonNode)} with the SDK's
 *       {@code ObjectMappers.jsonMapper()}, into {@link ChatCompletionChunk} or
 *       {@link ResponseStreamEvent} (the {@code JsonNode} is the one step 1 already parsed; the
 *       SDK reaches it through the synthetic accessor called here too, since {@code mapJson} is a
 *       reified inline Kotlin function that Java cannot call);</li>
 *   <li>the SDK's accumulator, {@link ChatCompletionAccumulator} or {@link ResponseAccumulator},
 *       fed every event; its {@code chatCompletion()} or {@code response()} is the result.</li>
 * </ol>
 */
final class OpenAiJavaDecoder implements ResponseDecoder {

  private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();
  static final MethodHandle JSON_NODE;

  static {
    try {
      JSON_NODE = MethodHandles.publicLookup().findStatic(SseMessage.class, "access$getJsonNode",
          MethodType.methodType(JsonNode.class, SseMessage.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The SDK's {@code sseHandler(jsonMapper)}: public in the bytecode but marked synthetic (Kotlin
   * {@code @JvmSynthetic}), so javac does not see it; called once, through a method handle.
   */
  @SuppressWarnings("unchecked")
  static HttpResponse.Handler<StreamResponse<SseMessage>> sseHandler() {
    try {
      return (HttpResponse.Handler<StreamResponse<SseMessage>>) MethodHandles.publicLookup()
          .findStatic(SseHandler.class, "sseHandler",
              MethodType.methodType(HttpResponse.Handler.class, JsonMapper.class))
          .invoke(MAPPER);
    } catch (Throwable e) {
      throw new IllegalStateException("the SDK's SSE handler is not where it was", e);
    }
  }

  private final boolean chat;
  private final HttpResponse.Handler<StreamResponse<SseMessage>> handler = sseHandler();

  /** {@code chat}: Chat Completions; otherwise Responses. */
  OpenAiJavaDecoder(boolean chat) {
    this.chat = chat;
  }

  @Override
  public Object decode(byte[] body) throws Throwable {
    try (StreamResponse<SseMessage> stream = handler.handle(new BodyResponse(body))) {
      Iterator<SseMessage> messages = stream.stream().iterator();
      if (chat) {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        while (messages.hasNext()) {
          accumulator.accumulate(MAPPER.readerFor(ChatCompletionChunk.class)
              .readValue((JsonNode) JSON_NODE.invokeExact(messages.next())));
        }
        return accumulator.chatCompletion();
      }
      ResponseAccumulator accumulator = ResponseAccumulator.create();
      while (messages.hasNext()) {
        accumulator.accumulate((ResponseStreamEvent) MAPPER.readerFor(ResponseStreamEvent.class)
            .readValue((JsonNode) JSON_NODE.invokeExact(messages.next())));
      }
      return accumulator.response();
    }
  }

  @Override
  public String text(Object message) {
    if (message instanceof ChatCompletion completion) {
      return completion.choices().isEmpty() ? ""
          : completion.choices().get(0).message().content().orElse("");
    }
    StringBuilder text = new StringBuilder();
    for (ResponseOutputItem item : ((Response) message).output()) {
      if (item.isMessage()) {
        for (ResponseOutputMessage.Content part : item.asMessage().content()) {
          part.outputText().ifPresent(t -> text.append(t.text()));
        }
      }
    }
    return text.toString();
  }

  @Override
  public int events(byte[] body) {
    try (StreamResponse<SseMessage> stream = handler.handle(new BodyResponse(body))) {
      return (int) stream.stream().count();
    }
  }

  /** A 200 response whose body is the bytes, as the SDK's HTTP client would hand it over. */
  static final class BodyResponse implements HttpResponse {
    private static final Headers HEADERS = Headers.builder().build();
    private final InputStream body;

    BodyResponse(byte[] bytes) {
      this.body = new ByteArrayInputStream(bytes);
    }

    @Override
    public int statusCode() {
      return 200;
    }

    @Override
    public Headers headers() {
      return HEADERS;
    }

    @Override
    public InputStream body() {
      return body;
    }

    @Override
    public void close() {}
  }
}
