/**
 * Lua shared by every script: key aliases (KEYS order = KEY_NAMES in keys.ts) and the state moves
 * that several scripts make. Numbers written to Redis go through `fmt` because Lua's default
 * number format (%.14g) would round 2^32-scaled scores and epoch ms.
 */
export const PRELUDE = `
local K_READY, K_DELAYED, K_ACTIVE, K_JOBS = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local K_EXTRA, K_ERRORS, K_FAILED, K_FJOBS = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local K_FINFO, K_COMPLETED, K_DONE, K_STATS = KEYS[9], KEYS[10], KEYS[11], KEYS[12]
local K_SEQ, K_MARKER, K_PAUSED, K_LOCK = KEYS[13], KEYS[14], KEYS[15], KEYS[16]
local DEFAULT_RANK = 999999

local function fmt(n) return string.format('%.0f', n) end

-- rank, attemptsMade, stalls of a job (defaults when it has no 'extra' entry), and when it last became
-- due if that is not its envelope's runAt (retried or retried-from-failed jobs; nil otherwise)
local function getExtra(id)
  local x = redis.call('HGET', K_EXTRA, id)
  if not x then return DEFAULT_RANK, 0, 0, nil end
  local r, a, s, d = string.match(x, '^(%d+):(%d+):(%d+):?(%d*)$')
  return tonumber(r) or DEFAULT_RANK, tonumber(a) or 0, tonumber(s) or 0, tonumber(d)
end

local function setExtra(id, rank, a, s, due)
  if due then
    redis.call('HSET', K_EXTRA, id, rank .. ':' .. a .. ':' .. s .. ':' .. fmt(due))
  elseif rank == DEFAULT_RANK and a == 0 and s == 0 then
    redis.call('HDEL', K_EXTRA, id)
  else
    redis.call('HSET', K_EXTRA, id, rank .. ':' .. a .. ':' .. s)
  end
end

local function wake() redis.call('ZADD', K_MARKER, 0, '0') end

-- put a job in ready: lowest score first = highest priority, then push order
local function toReady(id, rank)
  local seq = redis.call('INCR', K_SEQ) % 4294967296
  redis.call('ZADD', K_READY, fmt(rank * 4294967296 + seq), id)
end

-- errors array of a job with one more error appended (JSON text, no decode needed)
local function withError(id, errJson)
  local prev = redis.call('HGET', K_ERRORS, id)
  if prev and string.len(prev) > 2 then return string.sub(prev, 1, -2) .. ',' .. errJson .. ']' end
  return '[' .. errJson .. ']'
end

-- drop entries of a store (zset + hashes) beyond count (-1: unlimited) or older than ageMs (0: no limit)
local function trim(zset, hashes, count, ageMs, now)
  local victims = {}
  if count >= 0 then
    local excess = redis.call('ZCARD', zset) - count
    if excess > 0 then victims = redis.call('ZRANGE', zset, 0, math.min(excess, 1000) - 1) end
  end
  if ageMs > 0 and #victims == 0 then
    victims = redis.call('ZRANGEBYSCORE', zset, '-inf', fmt(now - ageMs), 'LIMIT', 0, 1000)
  end
  for i = 1, #victims, 500 do
    local chunk = {unpack(victims, i, math.min(i + 499, #victims))}
    redis.call('ZREM', zset, unpack(chunk))
    for _, h in ipairs(hashes) do redis.call('HDEL', h, unpack(chunk)) end
  end
end

-- Failed-store scores are failure times made strictly increasing per queue (the last one lives in the
-- stats hash), so failures in one millisecond, from one script call or several, keep their order.
local function failedScore(now)
  local last = tonumber(redis.call('HGET', K_STATS, 'failedLast') or '0') or 0
  local score = now
  if score <= last then score = last + 0.001 end
  local text = string.format('%.3f', score)
  redis.call('HSET', K_STATS, 'failedLast', text)
  return text
end

-- move a live job (already out of ready/delayed/active) to the failed store
local function toFailed(id, reason, a, s, errJson, now)
  local errs = withError(id, errJson)
  local env = redis.call('HGET', K_JOBS, id) or ''
  redis.call('HSET', K_FJOBS, id, env)
  redis.call('HSET', K_FINFO, id, '{"reason":"' .. reason .. '","attemptsMade":' .. a .. ',"stalls":' .. s ..
    ',"failedAt":' .. fmt(now) .. ',"errors":' .. errs .. '}')
  redis.call('ZADD', K_FAILED, failedScore(now), id)
  redis.call('HDEL', K_JOBS, id)
  redis.call('HDEL', K_EXTRA, id)
  redis.call('HDEL', K_ERRORS, id)
end

local function leaseId(member) return string.match(member, '^(.*)|[^|]*$') end
`;
