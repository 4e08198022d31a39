/** Shared by both scripts: does the expected version (ARGV[2]) hold for version v / deletedAt d? */
const EXPECTED = `
local function expected_ok(expected, v, d)
  local exists = v > 0 and d < v
  if expected == 'any' then return true end
  if expected == 'no-stream' then return not exists end
  if expected == 'exists' then return exists end
  return tonumber(expected) == v
end
`;

/**
 * Append. KEYS: versions hash, deleted hash, head counter, global log zset, stream list, the call's
 * done marker. ARGV: stream, expected, n, then n JSON fragments (event fields without positions, no
 * braces), then the wake-up channel ('' for none): PUBLISH of the last position there, from inside the script.
 * Returns {1, newVersion, firstGlobal} or {0, actualVersion}. Atomic: the version check, the
 * global positions and both writes happen in one script, so the log is gap-free.
 * Idempotent per call: ioredis re-sends a script whose reply a dropped connection lost, so a done
 * marker (one key per append, kept 2 minutes) answers the re-sent call with the first one's result
 * instead of appending its events a second time.
 */
export const APPEND = `${EXPECTED}
local done = redis.call('GET', KEYS[6])
if done then
  local dv, df = string.match(done, '^(%d+):(%d+)$')
  return {1, tonumber(dv), tonumber(df)}
end
local stream = ARGV[1]
local v = tonumber(redis.call('HGET', KEYS[1], stream) or '0')
local d = tonumber(redis.call('HGET', KEYS[2], stream) or '0')
if not expected_ok(ARGV[2], v, d) then return {0, v} end
local n = tonumber(ARGV[3])
if n == 0 then return {1, v, 0} end
local last = redis.call('INCRBY', KEYS[3], n)
local first = last - n + 1
local zargs = {}
local largs = {}
for i = 1, n do
  local json = '{"streamPosition":' .. (v + i) .. ',"globalPosition":' .. (first + i - 1) .. ',' .. ARGV[3 + i] .. '}'
  largs[#largs + 1] = json
  zargs[#zargs + 1] = first + i - 1
  zargs[#zargs + 1] = json
end
redis.call('RPUSH', KEYS[5], unpack(largs))
redis.call('ZADD', KEYS[4], unpack(zargs))
redis.call('HSET', KEYS[1], stream, v + n)
redis.call('SET', KEYS[6], (v + n) .. ':' .. first, 'PX', 120000)
local channel = ARGV[4 + n]
if channel and channel ~= '' then redis.call('PUBLISH', channel, last) end
return {1, v + n, first}
`;

/**
 * Append several appends (group commit: the store sends the appends called while a batch is in flight
 * as the next batch). KEYS: versions hash, deleted hash, head counter, global log zset, the batch's done
 * marker, then one stream list per append. ARGV: wake-up channel ('' for none), m (appends), then per
 * append: stream, expected, n, n JSON fragments. Each append is checked against its own expected
 * version and written whole or not at all; returns 3 numbers per append: {1, newVersion, firstGlobal}
 * or {0, actualVersion, 0}. Idempotent per batch through the done marker, as APPEND.
 * Per append it reads the version (and the delete mark only for 'no-stream' / 'exists') and pushes to
 * its stream list; the global log, the head counter and the new versions are written once per batch
 * (versions of this batch's streams are kept in a table, so two appends to one stream see each other).
 */
export const APPEND_BATCH = `${EXPECTED}
local done = redis.call('GET', KEYS[5])
if done then
  local out = {}
  for x in string.gmatch(done, '%d+') do out[#out + 1] = tonumber(x) end
  return out
end
local m = tonumber(ARGV[2])
local head = tonumber(redis.call('GET', KEYS[3]) or '0')
local start = head
local out = {}
-- The reply as text for the done marker, built beside it (each number formatted once).
local marks = {}
local zargs = {}
local vers = {}
local versText = {}
local a = 3
for j = 1, m do
  local stream = ARGV[a]
  local expected = ARGV[a + 1]
  local n = tonumber(ARGV[a + 2])
  local v = vers[stream]
  if v == nil then v = tonumber(redis.call('HGET', KEYS[1], stream) or '0') end
  local ok
  if expected == 'any' then
    ok = true
  elseif expected == 'no-stream' or expected == 'exists' then
    ok = expected_ok(expected, v, tonumber(redis.call('HGET', KEYS[2], stream) or '0'))
  else
    ok = tonumber(expected) == v
  end
  local r = #out
  if not ok then
    out[r + 1] = 0; out[r + 2] = v; out[r + 3] = 0
    marks[r + 1] = '0'; marks[r + 2] = tostring(v); marks[r + 3] = '0'
  elseif n == 0 then
    out[r + 1] = 1; out[r + 2] = v; out[r + 3] = 0
    marks[r + 1] = '1'; marks[r + 2] = tostring(v); marks[r + 3] = '0'
  else
    local largs = {}
    local firstText
    for i = 1, n do
      -- Each position formatted once (number to text is a printf in Lua), used in the JSON and as the score.
      local g = tostring(head + i)
      if i == 1 then firstText = g end
      local json = '{"streamPosition":' .. tostring(v + i) .. ',"globalPosition":' .. g .. ',' .. ARGV[a + 2 + i] .. '}'
      largs[i] = json
      zargs[#zargs + 1] = g
      zargs[#zargs + 1] = json
    end
    if n == 1 then redis.call('RPUSH', KEYS[5 + j], largs[1]) else redis.call('RPUSH', KEYS[5 + j], unpack(largs)) end
    local nv = tostring(v + n)
    vers[stream] = v + n
    versText[stream] = nv
    out[r + 1] = 1; out[r + 2] = v + n; out[r + 3] = head + 1
    marks[r + 1] = '1'; marks[r + 2] = nv; marks[r + 3] = firstText
    head = head + n
  end
  a = a + 3 + n
end
if head ~= start then
  for i = 1, #zargs, 7000 do
    redis.call('ZADD', KEYS[4], unpack(zargs, i, math.min(i + 6999, #zargs)))
  end
  local hargs = {}
  for s, t in pairs(versText) do
    hargs[#hargs + 1] = s
    hargs[#hargs + 1] = t
    if #hargs >= 7000 then
      redis.call('HSET', KEYS[1], unpack(hargs))
      hargs = {}
    end
  end
  if #hargs > 0 then redis.call('HSET', KEYS[1], unpack(hargs)) end
  redis.call('SET', KEYS[3], head)
end
redis.call('SET', KEYS[5], table.concat(marks, ':'), 'PX', 120000)
if head ~= start and ARGV[1] ~= '' then redis.call('PUBLISH', ARGV[1], head) end
return out
`;

/** Soft delete. KEYS: versions, deleted. ARGV: stream, expected. Returns {1, v} or {0, actual}. */
export const DELETE = `${EXPECTED}
local stream = ARGV[1]
local v = tonumber(redis.call('HGET', KEYS[1], stream) or '0')
local d = tonumber(redis.call('HGET', KEYS[2], stream) or '0')
if not expected_ok(ARGV[2], v, d) then return {0, v} end
if v > 0 then redis.call('HSET', KEYS[2], stream, v) end
return {1, v}
`;

/** Keep the newest snapshot. KEYS: snapshots hash. ARGV: stream, version, json. */
export const SNAPSHOT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local ov = tonumber(string.match(old, '^{"version":(%d+)'))
  if ov and ov > tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;
