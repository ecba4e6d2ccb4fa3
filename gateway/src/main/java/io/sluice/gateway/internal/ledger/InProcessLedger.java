package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.KeyLimits;
import io.sluice.gateway.internal.ledger.Admission.Ticket;
import io.sluice.gateway.internal.ledger.Admission.Window;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ledger of one process, and the reference for the Redis one: each key's state is guarded by
 * its own lock, held for a few comparisons, so any event loop may call it and the futures it
 * returns are already complete.
 *
 * <p>Windows are fixed and start at a key's first request after the previous one ended, so a burst
 * never straddles two windows; the reset header counts down to the window's end.
 */
public final class InProcessLedger implements Ledger {
  /** Responses remembered for affinity; the oldest go first. */
  static final int MAX_AFFINITY = 100_000;

  private final ConcurrentHashMap<String, KeyState> states = new ConcurrentHashMap<>();
  private final InProcessKeys keys = new InProcessKeys();
  private final CoolDowns coolDowns = new CoolDowns();
  private final Map<String, String> affinity = new LinkedHashMap<>(1024, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_AFFINITY;
    }
  };

  /** One key's windows, reservations and spend. */
  static final class KeyState {
    long requestsStart = -1;
    long requests;
    long tokensStart = -1;
    long tokensUsed;
    long tokensReserved;
    int inFlight;
    String period = "";
    BigDecimal periodSpent = BigDecimal.ZERO;
    BigDecimal periodReserved = BigDecimal.ZERO;
    final Map<String, Spend> byModel = new HashMap<>();
  }

  @Override
  public Future<Admission> admit(Claim c) {
    KeyState s = states.computeIfAbsent(c.keyId(), k -> new KeyState());
    synchronized (s) {
      return Future.succeededFuture(admit(s, c));
    }
  }

  private static Admission admit(KeyState s, Claim c) {
    KeyLimits l = c.limits();
    long now = c.nowMillis();
    long w = l.window().toMillis();
    if (s.requestsStart < 0 || now - s.requestsStart >= w) {
      s.requestsStart = now;
      s.requests = 0;
    }
    if (s.tokensStart < 0 || now - s.tokensStart >= w) {
      s.tokensStart = now; // reservations of the last window settle into it, not this one
      s.tokensUsed = 0;
      s.tokensReserved = 0;
    }
    String period = Periods.id(l.period(), now);
    if (!period.equals(s.period)) {
      s.period = period;
      s.periodSpent = BigDecimal.ZERO;
      s.periodReserved = BigDecimal.ZERO;
    }
    long requestsReset = s.requestsStart + w - now;
    long tokensReset = s.tokensStart + w - now;
    Window requests = l.requests() > 0
        ? new Window(l.requests(), Math.max(0, l.requests() - s.requests), requestsReset)
        : Window.NONE;
    long committed = s.tokensUsed + s.tokensReserved;
    Window tokens = l.tokens() > 0
        ? new Window(l.tokens(), Math.max(0, l.tokens() - committed), tokensReset)
        : Window.NONE;
    Optional<Admission> refusal = Limits.refusal(c, s.inFlight, s.requests, committed,
        s.periodSpent.add(s.periodReserved), requests, tokens, requestsReset, tokensReset);
    if (refusal.isPresent()) {
      return refusal.get();
    }
    s.requests++;
    s.tokensReserved += c.reserveTokens();
    boolean slot = c.concurrency() > 0;
    if (slot) {
      s.inFlight++;
    }
    BigDecimal usd = l.budgeted() ? c.reserveUsd() : BigDecimal.ZERO;
    s.periodReserved = s.periodReserved.add(usd);
    Window requestsAfter = l.requests() > 0
        ? new Window(l.requests(), l.requests() - s.requests, requestsReset) : Window.NONE;
    Window tokensAfter = l.tokens() > 0 ? new Window(l.tokens(),
        Math.max(0, l.tokens() - s.tokensUsed - s.tokensReserved), tokensReset) : Window.NONE;
    return Admission.admitted(requestsAfter, tokensAfter,
        new Ticket(c.keyId(), s.tokensStart, c.reserveTokens(), usd, period, slot, l.hard(),
            ""));
  }

  @Override
  public void settle(Ticket t, Settlement settlement) {
    if (t.keyId().isEmpty()) {
      return;
    }
    KeyState s = states.computeIfAbsent(t.keyId(), k -> new KeyState());
    synchronized (s) {
      if (t.holdsSlot()) {
        s.inFlight--;
      }
      if (s.tokensStart == t.tokensWindow()) {
        s.tokensReserved -= t.reservedTokens();
        s.tokensUsed += settlement.tokens();
      }
      if (s.period.equals(t.period())) {
        s.periodReserved = s.periodReserved.subtract(t.reservedUsd());
      }
      // Spend counts in the period it is booked in, even when the request began in the last one.
      s.periodSpent = s.periodSpent.add(settlement.spend().usd());
      s.byModel.merge(settlement.model(), settlement.spend(), Spend::plus);
    }
  }

  @Override
  public Future<Map<String, Spend>> spend(String keyId) {
    KeyState s = states.get(keyId);
    if (s == null) {
      return Future.succeededFuture(Map.of());
    }
    synchronized (s) {
      return Future.succeededFuture(Map.copyOf(s.byModel));
    }
  }

  @Override
  public Future<BigDecimal> periodSpend(String keyId, KeyLimits limits) {
    KeyState s = states.get(keyId);
    if (s == null) {
      return Future.succeededFuture(BigDecimal.ZERO);
    }
    synchronized (s) {
      boolean current = s.period.equals(Periods.id(limits.period(), System.currentTimeMillis()));
      return Future.succeededFuture(current ? s.periodSpent : BigDecimal.ZERO);
    }
  }

  @Override
  public RuntimeKeys keys() {
    return keys;
  }

  @Override
  public CoolDowns coolDowns() {
    return coolDowns;
  }

  @Override
  public Future<Void> remember(String responseId, String where) {
    synchronized (affinity) {
      affinity.put(responseId, where);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<String>> madeBy(String responseId) {
    synchronized (affinity) {
      return Future.succeededFuture(Optional.ofNullable(affinity.get(responseId)));
    }
  }

  @Override
  public void close() {
    // Nothing held outside the heap.
  }
}
