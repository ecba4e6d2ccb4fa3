package io.sluice.gateway.internal.ledger;

/**
 * The Lua scripts of the Redis ledger. Each runs atomically in Redis, so that replicas never race
 * on a read-modify-write: admission checks and reserves in one step, settlement books in one step.
 * The rule is {@link Limits}'s, in the same order; tokens are Lua numbers (exact below 2^53), USD
 * is kept in integer pico-dollars with HINCRBY (exact to 2^63).
 */
final class RedisScripts {
  private RedisScripts() {}

  /**
   * KEYS: requests window, tokens window, in-flight leases (sorted by expiry), budget of the
   * period. ARGV: now, window ms, request limit, token limit, hard (0/1), reserve tokens,
   * concurrency, budget (pico-USD, 0: none), reserve (pico-USD), priced (0/1), lease id, lease
   * TTL ms, budget TTL ms (0: none). Returns {refused limit or "", requests window start,
   * requests used, tokens window start, tokens used plus reserved}.
   */
  static final String ADMIT = """
      local now = tonumber(ARGV[1])
      local w = tonumber(ARGV[2])
      local rs = tonumber(redis.call('HGET', KEYS[1], 's') or '-1')
      if rs < 0 or now - rs >= w then
        rs = now
        redis.call('HSET', KEYS[1], 's', ARGV[1], 'n', 0)
        redis.call('PEXPIRE', KEYS[1], w)
      end
      local rn = tonumber(redis.call('HGET', KEYS[1], 'n'))
      local ts = tonumber(redis.call('HGET', KEYS[2], 's') or '-1')
      if ts < 0 or now - ts >= w then
        ts = now
        redis.call('HSET', KEYS[2], 's', ARGV[1], 'u', 0, 'r', 0)
        redis.call('PEXPIRE', KEYS[2], w)
      end
      local committed = tonumber(redis.call('HGET', KEYS[2], 'u'))
          + tonumber(redis.call('HGET', KEYS[2], 'r'))
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
      local inflight = redis.call('ZCARD', KEYS[3])
      local budget = tonumber(ARGV[8])
      local usd = tonumber(redis.call('HGET', KEYS[4], 's') or '0')
          + tonumber(redis.call('HGET', KEYS[4], 'r') or '0')
      local hard = ARGV[5] == '1'
      local reserve = tonumber(ARGV[6])
      local conc = tonumber(ARGV[7])
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
        redis.call('HINCRBY', KEYS[2], 'r', ARGV[6])
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
      """;

  /**
   * KEYS: tokens window, in-flight leases, budget of the ticket's period, spend by model. ARGV:
   * window start, reserved tokens, used tokens, lease id, reserved pico-USD, spent pico-USD,
   * model, then pairs of spend field and increment.
   */
  static final String SETTLE = """
      if redis.call('HGET', KEYS[1], 's') == ARGV[1] then
        redis.call('HINCRBY', KEYS[1], 'r', -tonumber(ARGV[2]))
        redis.call('HINCRBY', KEYS[1], 'u', ARGV[3])
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
      """;

  /**
   * An upstream key's concurrency slot. KEYS: the key's slots (sorted by expiry). ARGV: now,
   * lease TTL ms, the key's concurrency, slot id. Slots past their expiry (a replica that died
   * holding them) go first. Returns 1 when the slot is taken, 0 when all are.
   */
  static final String TAKE_SLOT = """
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
      if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
      redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
      redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
      return 1
      """;

  /**
   * Gives an upstream key's slot back. KEYS: the key's slots. ARGV: slot id, the channel, the
   * key's name. Only a slot that was held is announced: the other replicas retry their waiters.
   */
  static final String GIVE_SLOT = """
      if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return 1
      end
      return 0
      """;

  /** KEYS: in-flight leases. ARGV: new expiry, lease ids held by this replica. */
  static final String RENEW = """
      for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i]) end
      redis.call('PEXPIRE', KEYS[1], 120000)
      return 1
      """;
}
