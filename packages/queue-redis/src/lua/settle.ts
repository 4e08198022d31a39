import { PRELUDE } from './prelude.js';

/**
 * settle — finishes leased jobs and claims new ones in one round trip.
 * ARGV: now, leaseMs, claimMax, tokenBase, doneKeep, doneAgeMs, failKeep, failAgeMs, nOps,
 *       then nOps × (kind, member "id|lease", n1, n2, text):
 *   'c' complete; 'r' retry (n1 runAt, n2 attempt, text error JSON [+ "\n" + envelope header to store]);
 *   'f' fail (n1 reason, n2 attempt, text error JSON); 'e' extend (n1 new deadline);
 *   'x' release (back to the front of its priority in ready, no stall counted).
 * Every op checks the lease by removing/reading the exact "id|lease" member of 'active': a worker
 * whose lease was reclaimed gets 0 and changes nothing.
 * Claim (claimMax > 0): promotes due delayed jobs, pops up to claimMax ready jobs (unless paused),
 * leases them as "id|tokenBase<i>" with deadline now+leaseMs and re-arms the marker when more remain.
 * Returns { opResults, nextDue (-1 none), id1, env1, extra1, id2, ... }.
 */
export const SETTLE = `${PRELUDE}
local now, leaseMs, claimMax, tokenBase = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local doneKeep, doneAge, failKeep, failAge = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local nOps = tonumber(ARGV[9])
local results = {}
local completed, failedAny, readied = 0, false, false
for i = 0, nOps - 1 do
  local b = 10 + i * 5
  local kind, member = ARGV[b], ARGV[b + 1]
  if kind == 'e' then
    if redis.call('ZSCORE', K_ACTIVE, member) then
      redis.call('ZADD', K_ACTIVE, 'XX', ARGV[b + 2], member)
      results[#results + 1] = 1
    else
      results[#results + 1] = 0
    end
  elseif redis.call('ZREM', K_ACTIVE, member) == 0 then
    results[#results + 1] = 0
  else
    local id = leaseId(member)
    results[#results + 1] = 1
    if kind == 'c' then
      completed = completed + 1
      if doneKeep ~= 0 then
        redis.call('HSET', K_DONE, id, redis.call('HGET', K_JOBS, id) or '')
        redis.call('ZADD', K_COMPLETED, fmt(now), id)
      end
      redis.call('HDEL', K_JOBS, id)
      redis.call('HDEL', K_EXTRA, id)
      redis.call('HDEL', K_ERRORS, id)
    elseif kind == 'r' then
      local rank, _, s = getExtra(id)
      local runAt = tonumber(ARGV[b + 2])
      setExtra(id, rank, tonumber(ARGV[b + 3]), s, runAt)
      -- text: error JSON, optionally a newline + the claimed job's envelope header (its meta may have changed)
      local text = ARGV[b + 4]
      local nl = string.find(text, '\\n', 1, true)
      if nl then
        local head = string.sub(text, nl + 1)
        text = string.sub(text, 1, nl - 1)
        local env = redis.call('HGET', K_JOBS, id)
        local envNl = env and string.find(env, '\\n', 1, true)
        if envNl and string.sub(env, 1, envNl - 1) ~= head then
          redis.call('HSET', K_JOBS, id, head .. string.sub(env, envNl))
        end
      end
      redis.call('HSET', K_ERRORS, id, withError(id, text))
      if runAt > now then
        redis.call('ZADD', K_DELAYED, fmt(runAt), id)
      else
        toReady(id, rank)
      end
      readied = true
    elseif kind == 'f' then
      local _, _, s = getExtra(id)
      toFailed(id, ARGV[b + 2], tonumber(ARGV[b + 3]), s, ARGV[b + 4], now)
      failedAny = true
    elseif kind == 'x' then
      redis.call('ZADD', K_READY, fmt(getExtra(id) * 4294967296), id)
      readied = true
    end
  end
end
if completed > 0 then
  redis.call('HINCRBY', K_STATS, 'completed', completed)
  if doneKeep ~= 0 then trim(K_COMPLETED, {K_DONE}, doneKeep, doneAge, now) end
end
if failedAny then trim(K_FAILED, {K_FJOBS, K_FINFO}, failKeep, failAge, now) end
if readied then wake() end

local reply = {results, -1}
if claimMax > 0 then
  local due = redis.call('ZRANGEBYSCORE', K_DELAYED, '-inf', fmt(now), 'LIMIT', 0, 1000)
  for _, id in ipairs(due) do
    redis.call('ZREM', K_DELAYED, id)
    toReady(id, (getExtra(id)))
  end
  if redis.call('EXISTS', K_PAUSED) == 0 then
    local popped = redis.call('ZPOPMIN', K_READY, claimMax)
    local deadline = fmt(now + leaseMs)
    for i = 1, #popped, 2 do
      local id = popped[i]
      redis.call('ZADD', K_ACTIVE, deadline, id .. '|' .. tokenBase .. i)
      reply[#reply + 1] = id
      reply[#reply + 1] = redis.call('HGET', K_JOBS, id)
      reply[#reply + 1] = redis.call('HGET', K_EXTRA, id)
    end
    if #popped > 0 and redis.call('ZCARD', K_READY) > 0 then wake() end
  end
  local nextDue = redis.call('ZRANGE', K_DELAYED, 0, 0, 'WITHSCORES')
  if nextDue[2] then reply[2] = tonumber(nextDue[2]) end
end
return reply
`;
