package io.sluice.core.internal.codec.chat;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.EncoderOptions;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.internal.codec.BaseCodec;
import io.sluice.core.internal.codec.BaseStreamDecoder;
import io.sluice.core.internal.codec.OpenAiErrorBody;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.sse.SseWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * OpenAI Chat Completions ({@code POST /v1/chat/completions}, docs/wire-formats.md §a, §d) and its
 * dialects. Decoding accepts every dialect's quirks whatever the setting; the dialect decides only
 * what a request carries.
 */
public final class ChatCodec extends BaseCodec {

  private static final Map<ChatDialect, ChatCodec> CODECS = new EnumMap<>(ChatDialect.class);

  static {
    for (ChatDialect d : ChatDialect.values()) {
      CODECS.put(d, new ChatCodec(d));
    }
  }

  private final ChatDialect dialect;

  private ChatCodec(ChatDialect dialect) {
    super(WireFormat.OPENAI_CHAT, new Bodies(
        request -> ChatRequestEncoder.encode(request, dialect), ChatRequestDecoder::decode,
        ChatBodyCodec::decodeResponse, ChatBodyCodec::encodeResponse,
        ChatBodyCodec::decodeError, OpenAiErrorBody::encode));
    this.dialect = dialect;
  }

  public static WireCodec of(ChatDialect dialect) {
    return CODECS.get(Objects.requireNonNull(dialect, "dialect"));
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
  protected BaseStreamDecoder newDecoder(Consumer<StreamEvent> sink) {
    return new ChatStreamDecoder(sink);
  }

  /** The final usage chunk is written only when the options include usage. */
  @Override
  protected StreamEncoder newEncoder(SseWriter writer, EncoderOptions options) {
    return new ChatStreamEncoder(writer, options.includeUsage());
  }

  @Override
  public String toString() {
    return "ChatCodec[" + dialect + "]";
  }
}
