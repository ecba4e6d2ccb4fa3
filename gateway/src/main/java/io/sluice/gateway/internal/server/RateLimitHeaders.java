package io.sluice.gateway.internal.server;

import io.sluice.core.codec.WireFormat;
import io.sluice.gateway.internal.ledger.Admission;
import io.sluice.gateway.internal.ledger.Admission.Window;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A key's windows as the client's own SDK reads them: OpenAI's {@code x-ratelimit-*} with resets as
 * Go durations ({@code 1s}, {@code 6m0s}), Anthropic's {@code anthropic-ratelimit-*} with resets
 * as RFC 3339 times. Only windows the key has are sent.
 */
public final class RateLimitHeaders {
  private RateLimitHeaders() {}

  public static void set(MultiMap to, WireFormat format, Admission a, long nowMillis) {
    set(to, format, "requests", a.requests(), nowMillis);
    set(to, format, "tokens", a.tokens(), nowMillis);
  }

  private static void set(MultiMap to, WireFormat format, String what, Window w, long now) {
    if (w.limit() <= 0) {
      return;
    }
    if (format == WireFormat.ANTHROPIC_MESSAGES) {
      String p = "anthropic-ratelimit-" + what + "-";
      to.set(p + "limit", Long.toString(w.limit()));
      to.set(p + "remaining", Long.toString(w.remaining()));
      to.set(p + "reset", Instant.ofEpochMilli(now + w.resetMillis())
          .truncatedTo(ChronoUnit.SECONDS).plusSeconds(w.resetMillis() % 1000 == 0 ? 0 : 1)
          .toString());
    } else {
      to.set("x-ratelimit-limit-" + what, Long.toString(w.limit()));
      to.set("x-ratelimit-remaining-" + what, Long.toString(w.remaining()));
      to.set("x-ratelimit-reset-" + what, goDuration(w.resetMillis()));
    }
  }

  /** {@code 250ms}, {@code 6s}, {@code 1.5s}, {@code 6m0s}, {@code 1h2m3s}: as OpenAI sends them. */
  static String goDuration(long millis) {
    if (millis < 1000) {
      return Math.max(0, millis) + "ms";
    }
    long h = millis / 3_600_000;
    long m = millis / 60_000 % 60;
    long ms = millis % 60_000;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      b.append(m).append('m');
    }
    b.append(ms / 1000);
    int frac = (int) (ms % 1000);
    if (frac != 0) {
      // Three digits without their trailing zeros; no format string or regex per request.
      b.append('.').append((char) ('0' + frac / 100));
      if (frac % 100 != 0) {
        b.append((char) ('0' + frac / 10 % 10));
        if (frac % 10 != 0) {
          b.append((char) ('0' + frac % 10));
        }
      }
    }
    return b.append('s').toString();
  }

  /** Whole seconds for {@code retry-after}, rounded up, at least 1. */
  public static String retryAfter(long millis) {
    return Long.toString(Math.max(1, (millis + 999) / 1000));
  }
}
