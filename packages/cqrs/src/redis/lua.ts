/**
 * Lua scripts of the Redis status store. Every key they touch shares the `{cqrs}` hash tag (one
 * Cluster slot); keys built inside a script (count retention, prune) are in that slot too.
 * A record is a hash: m = immutable fields (JSON), s = state, a = attempts, u = updatedAt,
 * r = result (JSON), e = error (JSON), k = the Redis key of its idempotency claim.
 */

/** KEYS: claim. ARGV: id, ttlMs (0 = none). Returns the id the key maps to. */
export const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur then return cur end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else redis.call('SET', KEYS[1], ARGV[1]) end
return ARGV[1]`;

/** KEYS: record, claim (or record). ARGV: m, s, a, u, claimKey ('' = none), channel. Returns {created, HGETALL}. */
export const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1])} end
redis.call('HSET', KEYS[1], 'm', ARGV[1], 's', ARGV[2], 'a', ARGV[3], 'u', ARGV[4])
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'k', ARGV[5])
  redis.call('PERSIST', KEYS[2])
end
local all = redis.call('HGETALL', KEYS[1])
redis.call('PUBLISH', ARGV[6], cjson.encode(all))
return {1, all}`;

/**
 * KEYS: record, done index. ARGV: 1 state, 2 attempts ('' keep), 3 now, 4 result ('' keep),
 * 5 error ('' keep), 6 ttlMs of finished records (0 none), 7 max finished kept (-1 no cap),
 * 8 channel, 9 base m ('' = no base), 10 base createdAt, 11 base claim key, 12 id, 13 record key prefix.
 * Applies the no-regression rule (succeeded is final; failed only turns running). Returns HGETALL or false.
 */
export const UPDATE = `
local cur = redis.call('HGET', KEYS[1], 's')
if not cur then
  if ARGV[9] == '' then return false end
  redis.call('HSET', KEYS[1], 'm', ARGV[9], 's', 'queued', 'a', '0', 'u', ARGV[10])
  if ARGV[11] ~= '' then
    redis.call('HSET', KEYS[1], 'k', ARGV[11])
    redis.call('PERSIST', ARGV[11])
  end
  cur = 'queued'
end
local new = ARGV[1]
local allowed = cur ~= 'succeeded' and (cur ~= 'failed' or new == 'running')
if allowed then
  redis.call('HSET', KEYS[1], 's', new, 'u', ARGV[3])
  if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'a', ARGV[2]) end
  if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'r', ARGV[4]) end
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'e', ARGV[5]) end
  local claim = redis.call('HGET', KEYS[1], 'k')
  if new == 'succeeded' or new == 'failed' then
    redis.call('ZADD', KEYS[2], ARGV[3], ARGV[12])
    local ttl = tonumber(ARGV[6])
    if ttl > 0 then
      redis.call('PEXPIRE', KEYS[1], ttl)
      if claim then redis.call('PEXPIRE', claim, ttl) end
    end
    local max = tonumber(ARGV[7])
    if max >= 0 then
      local extra = redis.call('ZCARD', KEYS[2]) - max
      if extra > 0 then
        for _, old in ipairs(redis.call('ZRANGE', KEYS[2], 0, extra - 1)) do
          local rk = ARGV[13] .. old
          local ok = redis.call('HGET', rk, 'k')
          if ok and redis.call('GET', ok) == old then redis.call('DEL', ok) end
          redis.call('DEL', rk)
        end
        redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
      end
    end
  else
    redis.call('ZREM', KEYS[2], ARGV[12])
    redis.call('PERSIST', KEYS[1])
    if claim then redis.call('PERSIST', claim) end
  end
end
local all = redis.call('HGETALL', KEYS[1])
if allowed then redis.call('PUBLISH', ARGV[8], cjson.encode(all)) end
return all`;

/** KEYS: done index. ARGV: olderThan, record key prefix, batch. Returns {seen, removed}. */
export const PRUNE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local removed = 0
for _, id in ipairs(ids) do
  local rk = ARGV[2] .. id
  local claim = redis.call('HGET', rk, 'k')
  if claim and redis.call('GET', claim) == id then redis.call('DEL', claim) end
  removed = removed + redis.call('DEL', rk)
  redis.call('ZREM', KEYS[1], id)
end
return {#ids, removed}`;
