import { PRELUDE } from './prelude.js';

/** counts — returns { waiting, delayed, active, completed, failed }. */
export const COUNTS = `${PRELUDE}
return {
  redis.call('ZCARD', K_READY), redis.call('ZCARD', K_DELAYED), redis.call('ZCARD', K_ACTIVE),
  tonumber(redis.call('HGET', K_STATS, 'completed') or '0'), redis.call('ZCARD', K_FAILED),
}
`;

/**
 * failedGet — ARGV: mode ('ids' | 'range'), then ids, or offset + limit (oldest first).
 * Returns flat { id, envelope, info, ... } for the failed jobs that exist.
 */
export const FAILED_GET = `${PRELUDE}
local ids
if ARGV[1] == 'range' then
  local offset, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
  ids = redis.call('ZRANGE', K_FAILED, offset, offset + limit - 1)
else
  ids = {unpack(ARGV, 2)}
end
local out = {}
for _, id in ipairs(ids) do
  local info = redis.call('HGET', K_FINFO, id)
  if info then
    out[#out + 1] = id
    out[#out + 1] = redis.call('HGET', K_FJOBS, id) or ''
    out[#out + 1] = info
  end
end
return out
`;

/**
 * failedMove — ARGV: action ('retry' | 'purge'), all ('1' | '0'), then ids.
 * 'all' handles up to 1000 per call (the caller loops). Retry puts jobs back in ready with attempts
 * and stalls reset (priority kept); a failed job whose id is live again is only removed from the store.
 * Returns how many were moved or deleted.
 */
export const FAILED_MOVE = `${PRELUDE}
local ids
if ARGV[2] == '1' then ids = redis.call('ZRANGE', K_FAILED, 0, 999) else ids = {unpack(ARGV, 3)} end
local n = 0
for _, id in ipairs(ids) do
  if redis.call('ZREM', K_FAILED, id) == 1 then
    n = n + 1
    if ARGV[1] == 'retry' and redis.call('HEXISTS', K_JOBS, id) == 0 then
      local env = redis.call('HGET', K_FJOBS, id) or ''
      redis.call('HSET', K_JOBS, id, env)
      local rank = tonumber(string.match(env, '^{"k":(%d+)')) or DEFAULT_RANK
      local t = redis.call('TIME')
      setExtra(id, rank, 0, 0, tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
      redis.call('HDEL', K_ERRORS, id)
      toReady(id, rank)
    end
    redis.call('HDEL', K_FJOBS, id)
    redis.call('HDEL', K_FINFO, id)
  end
end
if ARGV[1] == 'retry' and n > 0 then wake() end
return n
`;

/**
 * oldest — ARGV: now, maxLevels. When the oldest waiting job became due (epoch ms), -1 when none waits:
 * the earliest of the head of each priority level in ready (its retry/failed-retry time from 'extra',
 * else its envelope's runAt — a promoted delayed job's runAt is its due time) and the first delayed job
 * that is due but not promoted yet. Reads one entry per level (at most maxLevels levels).
 */
export const OLDEST = `${PRELUDE}
local now, maxLevels = tonumber(ARGV[1]), tonumber(ARGV[2])
local best = nil
local due = redis.call('ZRANGEBYSCORE', K_DELAYED, '-inf', fmt(now), 'LIMIT', 0, 1, 'WITHSCORES')
if due[2] then best = tonumber(due[2]) end
local min = '-inf'
for _ = 1, maxLevels do
  local head = redis.call('ZRANGEBYSCORE', K_READY, min, '+inf', 'LIMIT', 0, 1, 'WITHSCORES')
  if not head[1] then break end
  local _, _, _, at = getExtra(head[1])
  if not at then
    local env = redis.call('HGET', K_JOBS, head[1])
    -- the header's first "r": key is the top-level runAt ("n" before it is a string, which cannot hold a bare quote)
    if env then at = tonumber(string.match(env, '"r":(%d+)')) end
  end
  if at and (not best or at < best) then best = at end
  min = fmt((math.floor(tonumber(head[2]) / 4294967296) + 1) * 4294967296)
end
if best then return best end
return -1
`;
