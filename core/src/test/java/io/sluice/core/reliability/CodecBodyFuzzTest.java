package io.sluice.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.event.Failed;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import java.util.List;
import java.util.Optional;

/**
 * Each codec's body decoders on fuzzed bytes. {@code decodeRequest} is the gateway's front door:
 * a bad body may only raise {@link CodecException} (a 400), and an accepted request must encode
 * for every upstream format. {@code decodeResponse} may only raise {@link CodecException};
 * {@code decodeError} never throws. In the default build this replays
 * {@code CodecBodyFuzzTestInputs/}.
 */
class CodecBodyFuzzTest {

  private static final List<WireCodec> ALL = List.of(WireCodec.openAiChat(ChatDialect.OPENAI),
      WireCodec.openAiChat(ChatDialect.MISTRAL), WireCodec.openAiResponses(),
      WireCodec.anthropic());

  @FuzzTest(maxDuration = "2m")
  void openAiChatRequest(byte[] body) {
    request(WireCodec.openAiChat(ChatDialect.OPENAI), body);
  }

  @FuzzTest(maxDuration = "2m")
  void openAiResponsesRequest(byte[] body) {
    request(WireCodec.openAiResponses(), body);
  }

  @FuzzTest(maxDuration = "2m")
  void anthropicRequest(byte[] body) {
    request(WireCodec.anthropic(), body);
  }

  @FuzzTest(maxDuration = "2m")
  void openAiChatResponseAndError(byte[] body) {
    responseAndError(WireCodec.openAiChat(ChatDialect.OPENAI), body);
  }

  @FuzzTest(maxDuration = "2m")
  void openAiResponsesResponseAndError(byte[] body) {
    responseAndError(WireCodec.openAiResponses(), body);
  }

  @FuzzTest(maxDuration = "2m")
  void anthropicResponseAndError(byte[] body) {
    responseAndError(WireCodec.anthropic(), body);
  }

  private static void request(WireCodec codec, byte[] body) {
    Optional<ChatRequest> request = orCodecException(() -> codec.decodeRequest(body));
    if (request.isEmpty()) {
      return;
    }
    for (WireCodec upstream : ALL) {
      orCodecException(() -> upstream.encodeRequest(request.get()));
    }
  }

  private static void responseAndError(WireCodec codec, byte[] body) {
    Optional<FinalMessage> message = orCodecException(() -> codec.decodeResponse(body));
    if (message.isPresent()) {
      for (WireCodec downstream : ALL) {
        orCodecException(() -> downstream.encodeResponse(message.get()));
      }
    }
    int status = body.length == 0 ? 500 : 400 + (body[0] & 0xff);
    Failed failed = codec.decodeError(status, body);
    assertThat(failed).isNotNull();
    for (WireCodec downstream : ALL) {
      assertThat(downstream.encodeError(failed)).isNotNull();
    }
  }

  /** The value, or empty when the call raised {@link CodecException}; anything else escapes. */
  private static <T> Optional<T> orCodecException(java.util.function.Supplier<T> call) {
    try {
      return Optional.of(call.get());
    } catch (CodecException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return Optional.empty();
    }
  }
}
