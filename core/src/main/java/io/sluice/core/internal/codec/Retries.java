package io.sluice.core.internal.codec;

/** The retry rule of the official OpenAI and Anthropic SDKs (docs/wire-formats.md §e). */
public final class Retries {
  private Retries() {}

  /** 408, 409, 429 and 5xx (Anthropic's 529 included) are worth a retry. */
  public static boolean retryableStatus(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** An error with {@code type} or {@code code} {@code insufficient_quota} will not heal. */
  public static boolean quotaExhausted(String type, String code) {
    return "insufficient_quota".equals(code) || "insufficient_quota".equals(type);
  }
}
