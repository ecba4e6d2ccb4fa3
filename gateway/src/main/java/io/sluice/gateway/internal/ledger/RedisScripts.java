package io.sluice.gateway.internal.ledger;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;

/**
 * The Lua scripts of the Redis ledger. Each runs atomically in Redis, so that replicas never race
 * on a read-modify-write: admission checks and reserves in one step, settlement books in one step.
 * The rule is {@link Limits}'s, in the same order; tokens are Lua numbers (exact below 2^53), USD
 * is kept in integer pico-dollars with HINCRBY (exact to 2^63). Each {@code redis.call} costs
 * Redis about a microsecond at every request: a script reads a hash's fields in one HMGET and
 * skips what its key does not limit.
 */
final class RedisScripts {
  private RedisScripts() {}

  /**
   * A script, called by its SHA-1 ({@code EVALSHA}): its body is sent only when Redis does not
   * know it ({@code NOSCRIPT}: flushed, or a Redis that lost its cache), not at every request,
   * where Redis would read it and hash it again each time.
   */
  record Script(String body, byte[] sha) {
    static Script of(String body) {
      try {
        byte[] h = java.security.MessageDigest.getInstance("SHA-1")
            .digest(body.getBytes(StandardCharsets.UTF_8));
        return new Script(body,
            java.util.HexFormat.of().formatHex(h).getBytes(StandardCharsets.US_ASCII));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-1", e);
      }
    }

    /**
     * The command's head, by SHA or ({@code body}) with the body, then the number of keys. The
     * SHA goes as the bytes it was encoded to once: the client would encode a String again.
     */
    Request call(boolean body, int keys) {
      return body ? Request.cmd(Command.EVAL).arg(this.body).arg(keys)
          : Request.cmd(Command.EVALSHA).arg(sha).arg(keys);
    }

    /** Loads the body, so that the calls by SHA that follow on the connection find it. */
    Request load() {
      return Request.cmd(Command.SCRIPT).arg("LOAD").arg(body);
    }
  }

  /** True when Redis answered that it does not know a script (it then ran nothing). */
  static boolean unknown(Throwable e) {
    String m = e.getMessage();
    return m != null && m.contains("NOSCRIPT");
  }

  /**
   * KEYS: requests window, tokens window, in-flight leases (sorted by expiry), budget of the
   * period (any key of the four when there is no budget: it is not read). ARGV: now, window ms,
   * request limit, token limit, hard (0/1), reserve tokens, concurrency, budget (pico-USD, 0:
   * none), reserve (pico-USD), priced (0/1), lease id, lease TTL ms, budget TTL ms (0: none).
   * Returns {refused limit or "", requests window start, requests used, tokens window start,
   * tokens used plus reserved}. The leases are read only under a concurrency limit and the budget
   * only under a budget: a key with neither costs four calls.
   */
  static final Script ADMIT = Script.of("""
      local now = tonumber(ARGV[1])
      local w = tonumber(ARGV[2])
      local req = redis.call('HMGET', KEYS[1], 's', 'n')
      local rs = tonumber(req[1])
      local rn = tonumber(req[2])
      if not rs or now - rs >= w then
        rs = now
        rn = 0
        redis.call('HSET', KEYS[1], 's', ARGV[1], 'n', 0)
        redis.call('PEXPIRE', KEYS[1], w)
      end
      local tok = redis.call('HMGET', KEYS[2], 's', 'u', 'r')
      local ts = tonumber(tok[1])
      local committed
      if not ts or now - ts >= w then
        ts = now
        committed = 0
        redis.call('HSET', KEYS[2], 's', ARGV[1], 'u', 0, 'r', 0)
        redis.call('PEXPIRE', KEYS[2], w)
      else
        committed = tonumber(tok[2]) + tonumber(tok[3])
      end
      local conc = tonumber(ARGV[7])
      local inflight = 0
      if conc > 0 then
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
        inflight = redis.call('ZCARD', KEYS[3])
      end
      local budget = tonumber(ARGV[8])
      local usd = 0
      if budget > 0 then
        local b = redis.call('HMGET', KEYS[4], 's', 'r')
        usd = (tonumber(b[1]) or 0) + (tonumber(b[2]) or 0)
      end
      local hard = ARGV[5] == '1'
      local reserve = tonumber(ARGV[6])
      local rlimit = tonumber(ARGV[3])
      local tlimit = tonumber(ARGV[4])
      local refused = ''
      if budget > 0 and ARGV[10] ~= '1' then refused = 'unpriced'
      elseif conc > 0 and inflight >= conc then refused = 'concurrency'
      elseif rlimit > 0 and rn >= rlimit then refused = 'requests'
      elseif tlimit > 0 and ((hard and committed + reserve > tlimit)
          or (not hard and committed >= tlimit)) then refused = 'tokens'
      elseif budget > 0 and ((hard and usd + tonumber(ARGV[9]) > budget)
          or (not hard and usd >= budget)) then refused = 'budget'
      end
      if refused == '' then
        rn = redis.call('HINCRBY', KEYS[1], 'n', 1)
        if reserve ~= 0 then redis.call('HINCRBY', KEYS[2], 'r', ARGV[6]) end
        committed = committed + reserve
        if conc > 0 then
          redis.call('ZADD', KEYS[3], now + tonumber(ARGV[12]), ARGV[11])
          redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[12]) * 2)
        end
        if budget > 0 then
          redis.call('HINCRBY', KEYS[4], 'r', ARGV[9])
          if tonumber(ARGV[13]) > 0 then redis.call('PEXPIRE', KEYS[4], ARGV[13]) end
        end
      end
      return {refused, rs, rn, ts, committed}
      """);

  /**
   * KEYS: tokens window, in-flight leases, budget of the ticket's period, spend by model. ARGV:
   * window start, reserved tokens, used tokens, lease id, reserved pico-USD, spent pico-USD,
   * model, then pairs of spend field and increment (the caller leaves out the zero ones).
   */
  static final Script SETTLE = Script.of("""
      if redis.call('HGET', KEYS[1], 's') == ARGV[1] then
        if ARGV[2] ~= '0' then redis.call('HINCRBY', KEYS[1], 'r', -tonumber(ARGV[2])) end
        if ARGV[3] ~= '0' then redis.call('HINCRBY', KEYS[1], 'u', ARGV[3]) end
      end
      if ARGV[4] ~= '' then redis.call('ZREM', KEYS[2], ARGV[4]) end
      if ARGV[5] ~= '0' and redis.call('EXISTS', KEYS[3]) == 1 then
        redis.call('HINCRBY', KEYS[3], 'r', '-' .. ARGV[5])
      end
      if ARGV[6] ~= '0' then redis.call('HINCRBY', KEYS[3], 's', ARGV[6]) end
      for i = 8, #ARGV, 2 do
        redis.call('HINCRBY', KEYS[4], ARGV[7] .. '|' .. ARGV[i], ARGV[i + 1])
      end
      return 1
      """);

  /**
   * An upstream key's concurrency slot. KEYS: the key's slots (sorted by expiry). ARGV: now,
   * lease TTL ms, the key's concurrency, slot id. Slots past their expiry (a replica that died
   * holding them) go first. Returns 1 when the slot is taken, 0 when all are. Taking a slot the
   * set already holds answers 1 again, so that a take sent twice (its body after a NOSCRIPT)
   * never refuses the slot it took; the check costs a call only when the set is full.
   */
  static final Script TAKE_SLOT = Script.of("""
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
      if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3])
          and not redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 0 end
      redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
      redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
      return 1
      """);

  /**
   * Gives an upstream key's slot back. KEYS: the key's slots. ARGV: slot id, the channel, the
   * key's name, the key's concurrency. Announced only when the set was full: only then can a
   * replica have been refused and be waiting (its waiters also retry on their own, for slots
   * that expired instead). Counting expired slots that are still in the set errs towards
   * announcing. Each announcement is a message to every replica.
   */
  static final Script GIVE_SLOT = Script.of("""
      if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
        if redis.call('ZCARD', KEYS[1]) + 1 >= tonumber(ARGV[4]) then
          redis.call('PUBLISH', ARGV[2], ARGV[3])
        end
        return 1
      end
      return 0
      """);

  /** KEYS: in-flight leases. ARGV: new expiry, lease ids held by this replica. */
  static final Script RENEW = Script.of("""
      for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i]) end
      redis.call('PEXPIRE', KEYS[1], 120000)
      return 1
      """);

  /** Every script, loaded on each connection when it opens. */
  static final java.util.List<Script> ALL = java.util.List.of(ADMIT, SETTLE, TAKE_SLOT,
      GIVE_SLOT, RENEW);
}
