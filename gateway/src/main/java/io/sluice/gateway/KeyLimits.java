package io.sluice.gateway;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * What one gateway key may use, all optional: requests and tokens (input plus output) per window,
 * and a budget in USD per period. {@code hard} also ends a running stream that goes past its
 * reservation (the token window or the budget), with a terminal error in the client's format;
 * soft refuses new requests only. See docs/limits-and-spend.md.
 *
 * @param requests requests per window; 0 means unlimited
 * @param tokens input plus output tokens per window; 0 means unlimited
 * @param window the length of both windows (default one minute)
 * @param budgetUsd the budget in USD per {@code period}; zero with {@link BudgetPeriod#NONE}
 */
public record KeyLimits(long requests, long tokens, Duration window, BigDecimal budgetUsd,
    BudgetPeriod period, boolean hard) {

  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final KeyLimits NONE =
      new KeyLimits(0, 0, DEFAULT_WINDOW, BigDecimal.ZERO, BudgetPeriod.NONE, false);

  /** The period a budget runs for; UTC calendar days, ISO weeks and months, or for ever. */
  public enum BudgetPeriod {
    NONE, DAY, WEEK, MONTH, TOTAL;

    public static BudgetPeriod fromConfigName(String name) {
      for (BudgetPeriod p : values()) {
        if (p.name().equalsIgnoreCase(name)) {
          return p;
        }
      }
      throw new GatewayException("budget period must be day, week, month or total, was '"
          + name + "'");
    }
  }

  public KeyLimits {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(budgetUsd, "budgetUsd");
    Objects.requireNonNull(period, "period");
    if (requests < 0) {
      throw new GatewayException("limits.requests must be 0 or more, was " + requests);
    }
    if (tokens < 0) {
      throw new GatewayException("limits.tokens must be 0 or more, was " + tokens);
    }
    if (window.toMillis() < 1) {
      throw new GatewayException("limits.window must be at least 1ms, was " + window);
    }
    if (budgetUsd.signum() < 0) {
      throw new GatewayException("budget.usd must not be negative, was " + budgetUsd);
    }
    if (period == BudgetPeriod.NONE && budgetUsd.signum() > 0) {
      throw new GatewayException("budget.usd needs a budget.period (day, week, month, total)");
    }
  }

  public boolean budgeted() {
    return period != BudgetPeriod.NONE;
  }

  public boolean any() {
    return requests > 0 || tokens > 0 || budgeted();
  }

  public KeyLimits withRequests(long value, Duration per) {
    return new KeyLimits(value, tokens, per, budgetUsd, period, hard);
  }

  public KeyLimits withTokens(long value) {
    return new KeyLimits(requests, value, window, budgetUsd, period, hard);
  }

  public KeyLimits withBudget(BigDecimal usd, BudgetPeriod per) {
    return new KeyLimits(requests, tokens, window, usd, per, hard);
  }

  public KeyLimits withHard(boolean value) {
    return new KeyLimits(requests, tokens, window, budgetUsd, period, value);
  }
}
