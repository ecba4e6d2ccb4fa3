package io.sluice.gateway.internal.server;

import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import java.util.Optional;

/** The three POST endpoints clients call, each in its own wire format. */
public enum FrontDoor {
  CHAT("/v1/chat/completions", WireFormat.OPENAI_CHAT),
  RESPONSES("/v1/responses", WireFormat.OPENAI_RESPONSES),
  MESSAGES("/v1/messages", WireFormat.ANTHROPIC_MESSAGES);

  /** {@code values()} copies its array on every call, and doors are looked up per request. */
  private static final FrontDoor[] ALL = values();

  public final String path;
  public final WireFormat format;

  FrontDoor(String path, WireFormat format) {
    this.path = path;
    this.format = format;
  }

  public WireCodec codec() {
    return WireCodec.of(format);
  }

  static Optional<FrontDoor> ofPath(String path) {
    for (FrontDoor d : ALL) {
      if (d.path.equals(path)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  public static FrontDoor of(WireFormat format) {
    for (FrontDoor d : ALL) {
      if (d.format == format) {
        return d;
      }
    }
    throw new IllegalArgumentException(String.valueOf(format));
  }

  /** The endpoint below a target's base URL (which ends in {@code /v1}). */
  public String upstreamSuffix() {
    return path.substring("/v1".length());
  }
}
