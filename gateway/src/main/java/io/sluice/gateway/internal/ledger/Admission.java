package io.sluice.gateway.internal.ledger;

import java.math.BigDecimal;

/**
 * The answer to a {@link Claim}: admitted with a {@link Ticket} to settle, or refused naming the
 * limit. Both carry the windows' state for the rate-limit headers.
 *
 * @param refusedBy {@code requests}, {@code tokens}, {@code concurrency}, {@code budget},
 *     {@code unpriced} or {@code ledger}; empty when admitted
 */
public record Admission(boolean admitted, String refusedBy, String message, long retryAfterMillis,
    Window requests, Window tokens, Ticket ticket) {

  /** A window's limit (0: none), what remains of it, and milliseconds until it resets. */
  public record Window(long limit, long remaining, long resetMillis) {
    public static final Window NONE = new Window(0, 0, 0);
  }

  /**
   * What an admitted request holds until it settles.
   *
   * @param tokensWindow the start of the token window its reservation went into
   * @param period the budget period its USD reservation went into
   */
  public record Ticket(String keyId, long tokensWindow, long reservedTokens,
      BigDecimal reservedUsd, String period, boolean holdsSlot, boolean hard, String lease) {
    public static final Ticket NONE =
        new Ticket("", 0, 0, BigDecimal.ZERO, "", false, false, "");

    /** Settles spend only: nothing was reserved (the shared state was down, or no limits). */
    public static Ticket spendOnly(String keyId) {
      return new Ticket(keyId, -1, 0, BigDecimal.ZERO, "", false, false, "");
    }
  }

  public static Admission admitted(Window requests, Window tokens, Ticket ticket) {
    return new Admission(true, "", "", 0, requests, tokens, ticket);
  }

  public static Admission refused(String limit, String message, long retryAfterMillis,
      Window requests, Window tokens) {
    return new Admission(false, limit, message, retryAfterMillis, requests, tokens, Ticket.NONE);
  }

  /** No key, or a key without limits: nothing to count. */
  public static final Admission FREE = admitted(Window.NONE, Window.NONE, Ticket.NONE);
}
