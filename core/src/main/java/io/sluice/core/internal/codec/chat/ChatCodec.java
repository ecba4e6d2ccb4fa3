package io.sluice.core.internal.codec.chat;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.sse.SseWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * OpenAI Chat Completions ({@code POST /v1/chat/completions}) and its dialects. Decoding accepts
 * every dialect's quirks whatever the setting; the dialect decides only what a request carries.
 */
public final class ChatCodec implements WireCodec {

  private static final Map<ChatDialect, ChatCodec> CODECS = new EnumMap<>(ChatDialect.class);

  static {
    for (ChatDialect d : ChatDialect.values()) {
      CODECS.put(d, new ChatCodec(d));
    }
  }

  private final ChatDialect dialect;

  private ChatCodec(ChatDialect dialect) {
    this.dialect = dialect;
  }

  public static WireCodec of(ChatDialect dialect) {
    return CODECS.get(Objects.requireNonNull(dialect, "dialect"));
  }

  /**
   * A stream encoder that writes the final usage chunk only when {@code includeUsage}: a gateway
   * always asks the provider for usage, and leaves it out for a client that did not ask for it.
   */
  public static StreamEncoder encoder(SseWriter writer, boolean includeUsage) {
    return new ChatStreamEncoder(Objects.requireNonNull(writer, "writer"), includeUsage);
  }

  /**
   * Whether a decoded client request asked for usage in the stream
   * ({@code stream_options.include_usage: true}, kept in {@link ChatRequest#extra()}).
   */
  public static boolean asksForUsage(ChatRequest request) {
    return ChatRequestDecoder.asksForUsage(request);
  }

  public ChatDialect dialect() {
    return dialect;
  }

  @Override
  public WireFormat format() {
    return WireFormat.OPENAI_CHAT;
  }

  @Override
  public StreamDecoder decoder(Consumer<StreamEvent> sink) {
    return new ChatStreamDecoder(sink);
  }

  @Override
  public StreamEncoder encoder(SseWriter writer) {
    return encoder(writer, true);
  }

  @Override
  public byte[] encodeRequest(ChatRequest request) {
    return ChatRequestEncoder.encode(request, dialect);
  }

  @Override
  public ChatRequest decodeRequest(byte[] body) {
    return ChatRequestDecoder.decode(body);
  }

  @Override
  public FinalMessage decodeResponse(byte[] body) {
    return ChatBodyCodec.decodeResponse(body);
  }

  @Override
  public byte[] encodeResponse(FinalMessage message) {
    return ChatBodyCodec.encodeResponse(message);
  }

  @Override
  public Failed decodeError(int httpStatus, byte[] body) {
    return ChatBodyCodec.decodeError(httpStatus, body);
  }

  @Override
  public byte[] encodeError(Failed failure) {
    return ChatBodyCodec.encodeError(failure);
  }

  @Override
  public String toString() {
    return "ChatCodec[" + dialect + "]";
  }
}
