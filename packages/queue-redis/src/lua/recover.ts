import { PRELUDE } from './prelude.js';

/**
 * recover — ARGV: now, maxStalls, lockMs, lockToken, limit, failKeep, failAgeMs.
 * Cheap when nothing expired (one ZRANGEBYSCORE). Otherwise only the caller that wins the
 * SET NX PX lock (lockMs > 0) runs the pass, so many workers calling it run one recovery per interval.
 * Expired leases: stalls + 1, back to ready — or to the failed store ('stalled') past maxStalls.
 * Returns { stalledIds, failedIds }.
 */
export const RECOVER = `${PRELUDE}
local now, maxStalls, lockMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local limit, failKeep, failAge = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local expired = redis.call('ZRANGEBYSCORE', K_ACTIVE, '-inf', fmt(now), 'LIMIT', 0, limit)
if #expired == 0 then return {{}, {}} end
if lockMs > 0 and not redis.call('SET', K_LOCK, ARGV[4], 'NX', 'PX', lockMs) then return {{}, {}} end
local stalled, failed = {}, {}
for _, member in ipairs(expired) do
  redis.call('ZREM', K_ACTIVE, member)
  local id = leaseId(member)
  if id and redis.call('HEXISTS', K_JOBS, id) == 1 then
    local rank, a, s, due = getExtra(id)
    s = s + 1
    if s > maxStalls then
      local err = cjson.encode({
        attempt = a + 1, name = 'QueueError', code = 'ODY_QUEUE_JOB_STALLED', at = now,
        message = 'Job ' .. id .. ' lost its lease ' .. s .. ' times (maxStalls ' .. maxStalls ..
          '); its workers kept dying or freezing.',
      })
      toFailed(id, 'stalled', a, s, err, now)
      failed[#failed + 1] = id
    else
      setExtra(id, rank, a, s, due)
      toReady(id, rank)
      stalled[#stalled + 1] = id
    end
  end
end
if #stalled > 0 then wake() end
if #failed > 0 then trim(K_FAILED, {K_FJOBS, K_FINFO}, failKeep, failAge, now) end
return {stalled, failed}
`;
