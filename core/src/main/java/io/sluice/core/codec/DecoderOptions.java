package io.sluice.core.codec;

import io.sluice.core.event.Failed;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/** How a {@link StreamDecoder} treats its input. Immutable. */
public final class DecoderOptions {

  /** A payload that does not parse ends the stream as {@link Failed#MALFORMED}. */
  public static final DecoderOptions DEFAULTS = new DecoderOptions(null);

  private final Consumer<Failed> onSkipped;

  private DecoderOptions(Consumer<Failed> onSkipped) {
    this.onSkipped = onSkipped;
  }

  /**
   * An event whose payload does not parse is reported to {@code onSkipped} (as the
   * {@link Failed#MALFORMED} failure it would otherwise end the stream with) and skipped; the
   * decoder goes on with the next event. Only for a reader that keeps books of bytes which reach
   * their consumer unchanged by another way, such as a gateway's pass-through: it must not lose
   * the usage reported after one broken event, while the consumer's own decoder still meets the
   * broken event. What the skipped event would have opened is missing, so a later event that
   * depends on it (a delta for a block never started) is skipped and reported in turn. Failures
   * of the SSE reader (a limit), a provider's error and a missing terminal marker stay terminal.
   */
  public static DecoderOptions skipMalformed(Consumer<Failed> onSkipped) {
    return new DecoderOptions(Objects.requireNonNull(onSkipped, "onSkipped"));
  }

  /** Where skipped payloads are reported; empty while a malformed payload ends the stream. */
  public Optional<Consumer<Failed>> malformedSkipped() {
    return Optional.ofNullable(onSkipped);
  }
}
