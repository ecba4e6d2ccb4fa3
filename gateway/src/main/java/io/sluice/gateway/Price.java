package io.sluice.gateway;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A model's price in USD per million tokens of each kind the event model counts. Cache reads and
 * writes are parts of the input, reasoning a part of the output (see core's {@code Usage}): each
 * part is billed at its own price, the rest of the input or output at the plain one.
 *
 * @param reasoning the price of reasoning tokens where a provider bills them apart; most bill them
 *     as output, so it defaults to {@code output}
 */
public record Price(BigDecimal input, BigDecimal output, BigDecimal cacheRead,
    BigDecimal cacheWrite, BigDecimal reasoning) {

  public Price {
    for (BigDecimal v : new BigDecimal[] {input, output, cacheRead, cacheWrite, reasoning}) {
      Objects.requireNonNull(v, "price");
      if (v.signum() < 0) {
        throw new GatewayException("a price must not be negative, was " + v);
      }
    }
  }

  /** Input and output prices; cache reads and writes at the input price, reasoning as output. */
  public static Price of(String input, String output) {
    BigDecimal in = new BigDecimal(input);
    BigDecimal out = new BigDecimal(output);
    return new Price(in, out, in, in, out);
  }
}
