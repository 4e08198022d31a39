/**
 * Lua scripts keeping presence atomic in Redis. Per channel: a hash of connections
 * (connectionId → JSON { m: member, n: node }) and a hash of per-member connection counts; per node:
 * a set of "channel\nconnectionId" it holds, so a dead node's entries can be swept.
 */

/** KEYS: conns, counts, nodeSet. ARGV: connectionId, entry JSON, memberId, channel. Returns the member's new count (0 if already joined). */
export const joinScript = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('SADD', KEYS[3], ARGV[4] .. '\\n' .. ARGV[1])
return redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
`;

/** KEYS: conns, counts, nodeSet. ARGV: connectionId, channel. Returns the entry JSON when the member's last connection left, else false. */
export const leaveScript = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[2] .. '\\n' .. ARGV[1])
if not entry then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local id = cjson.decode(entry)['m']['id']
local n = redis.call('HINCRBY', KEYS[2], id, -1)
if n <= 0 then
  redis.call('HDEL', KEYS[2], id)
  return entry
end
return false
`;
