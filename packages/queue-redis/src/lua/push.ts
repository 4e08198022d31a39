import { PRELUDE } from './prelude.js';

/**
 * push — ARGV: now, then per job: id, envelope, rank ('' = default priority), runAt, dedupe ('1'/'0').
 * A job whose id is live (in 'jobs') is skipped (0); retries of a push after a dropped connection
 * are therefore idempotent. Returns one 1/0 per job. Wakes idle workers when anything was added.
 */
export const PUSH = `${PRELUDE}
local now = tonumber(ARGV[1])
local out = {}
local added = false
for b = 2, #ARGV, 5 do
  local id, env, rank, runAt = ARGV[b], ARGV[b + 1], ARGV[b + 2], tonumber(ARGV[b + 3])
  if redis.call('HSETNX', K_JOBS, id, env) == 0 then
    out[#out + 1] = 0
  else
    local r = DEFAULT_RANK
    if rank ~= '' then
      r = tonumber(rank)
      setExtra(id, r, 0, 0)
    end
    if runAt > now then
      redis.call('ZADD', K_DELAYED, fmt(runAt), id)
    else
      toReady(id, r)
    end
    added = true
    out[#out + 1] = 1
  end
end
if added then wake() end
return out
`;
