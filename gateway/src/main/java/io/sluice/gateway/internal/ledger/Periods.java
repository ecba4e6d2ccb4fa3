package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.KeyLimits.BudgetPeriod;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/** Budget periods in UTC: their names (which Redis keys carry) and when they end. */
final class Periods {
  private Periods() {}

  static String id(BudgetPeriod period, long nowMillis) {
    // Asked at every admission: most keys have no budget period, and need no date for it.
    if (period == BudgetPeriod.NONE) {
      return "";
    }
    if (period == BudgetPeriod.TOTAL) {
      return "total";
    }
    LocalDate d = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate();
    switch (period) {
      case DAY: return d.toString();
      case WEEK: return d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      case MONTH: return d.getYear() + "-" + d.getMonthValue();
      case TOTAL: return "total";
      case NONE:
      default: return "";
    }
  }

  /** Milliseconds until the period ends; a day for a total budget, which never ends. */
  static long remainingMillis(BudgetPeriod period, long nowMillis) {
    LocalDate d = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate next;
    switch (period) {
      case WEEK: next = d.with(TemporalAdjusters.next(DayOfWeek.MONDAY)); break;
      case MONTH: next = d.with(TemporalAdjusters.firstDayOfNextMonth()); break;
      case DAY:
      case TOTAL:
      case NONE:
      default: next = d.plusDays(1); break;
    }
    return next.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - nowMillis;
  }
}
