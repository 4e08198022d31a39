/** Names of the Redis keys of one queue, in the order every script receives them as KEYS. */
export const KEY_NAMES = [
  'ready', // 1 ZSET id → rank·2^32 + seq (lowest first: highest priority, then FIFO)
  'delayed', // 2 ZSET id → epoch ms when due
  'active', // 3 ZSET "id|lease" → lease deadline (epoch ms)
  'jobs', // 4 HASH id → envelope (header JSON + "\n" + payload) of every live job
  'extra', // 5 HASH id → "rank:attemptsMade:stalls[:dueAt]", only when not all default (dueAt: when a retried job became due)
  'errors', // 6 HASH id → JSON array of the attempts' errors (live jobs that failed before)
  'failed', // 7 ZSET id → failedAt
  'fjobs', // 8 HASH id → envelope of a failed job
  'finfo', // 9 HASH id → JSON {reason, attemptsMade, stalls, failedAt, errors}
  'completed', // 10 ZSET id → completedAt (only when completed jobs are retained)
  'done', // 11 HASH id → envelope of a retained completed job
  'stats', // 12 HASH completed → count
  'seq', // 13 STRING FIFO sequence
  'marker', // 14 ZSET wake-up marker; idle workers BZPOPMIN it
  'paused', // 15 STRING present while paused
  'lock', // 16 STRING recovery lock (SET NX PX)
] as const;

/** One of a queue's key roles. */
export type KeyName = (typeof KEY_NAMES)[number];

/**
 * Keys of one queue: `<prefix>:{<queue>}:<role>`. The `{queue}` hash tag puts every key of a queue
 * in one Redis Cluster slot, so each Lua script touches one slot.
 */
export function queueKeys(prefix: string, queue: string): string[] {
  return KEY_NAMES.map((role) => `${prefix}:{${queue}}:${role}`);
}

/** The key of one role, e.g. `keyOf('ody', 'emails', 'marker')`. */
export function keyOf(prefix: string, queue: string, role: KeyName): string {
  return `${prefix}:{${queue}}:${role}`;
}
