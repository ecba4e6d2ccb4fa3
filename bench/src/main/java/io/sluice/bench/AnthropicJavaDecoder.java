package io.sluice.bench;

import com.anthropic.core.ObjectMappers;
import com.anthropic.core.handlers.SseHandler;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.core.http.SseMessage;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Iterator;

/**
 * anthropic-java's own streaming path, as {@code client.messages().createStreaming(…)} runs it on
 * a response body, minus the network:
 *
 * <ol>
 *   <li>{@code com.anthropic.core.handlers.SseHandler.sseHandler(jsonMapper)} (the SDK's handler:
 *       {@code BufferedReader} lines of the body, its {@code SseState} line parser; {@code ping}
 *       and empty events skipped, {@code error} events thrown), on an {@link HttpResponse} whose
 *       body is a {@link ByteArrayInputStream} of the bytes;</li>
 *   <li>what the SDK's inline {@code mapJson<RawMessageStreamEvent>()} does per message:
 *       {@code jsonMapper.readerFor(RawMessageStreamEvent).readValue(message.jsonNode)}, where the
 *       lazily parsed {@code JsonNode} is the SDK's own ({@code readTree} of the data) reached
 *       through the same synthetic accessor the inlined SDK code calls;</li>
 *   <li>the SDK's {@link MessageAccumulator}, fed every event; {@code message()} is the
 *       result.</li>
 * </ol>
 */
final class AnthropicJavaDecoder implements ResponseDecoder {

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

  private final HttpResponse.Handler<StreamResponse<SseMessage>> handler = sseHandler();

  @Override
  public Object decode(byte[] body) throws Throwable {
    try (StreamResponse<SseMessage> stream = handler.handle(new BodyResponse(body))) {
      Iterator<SseMessage> messages = stream.stream().iterator();
      MessageAccumulator accumulator = MessageAccumulator.create();
      while (messages.hasNext()) {
        accumulator.accumulate((RawMessageStreamEvent) MAPPER
            .readerFor(RawMessageStreamEvent.class)
            .readValue((JsonNode) JSON_NODE.invokeExact(messages.next())));
      }
      return accumulator.message();
    }
  }

  @Override
  public String text(Object message) {
    StringBuilder text = new StringBuilder();
    for (ContentBlock block : ((Message) message).content()) {
      block.text().ifPresent(t -> text.append(t.text()));
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
