package io.sluice.gateway.internal.accounting;

/**
 * Token counts where the upstream reports none (a cancelled stream, a server that ignores
 * {@code include_usage}) and for reservations before a request goes out. No tokenizer library is
 * served to this build, so the count is the documented approximation of OpenAI's and Anthropic's
 * own guidance, one token per four bytes of UTF-8 text, rounded up; entries counted this way are
 * marked {@code usage_source: estimated} (docs/limits-and-spend.md).
 */
public final class TokenEstimate {
  private TokenEstimate() {}

  public static long ofBytes(long utf8Bytes) {
    return (utf8Bytes + 3) / 4;
  }

  /** A request body: its JSON framing counts too, which over-reserves a little, never under. */
  public static long ofRequest(byte[] body) {
    return ofBytes(body.length);
  }
}
