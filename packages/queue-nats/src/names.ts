/** Names of one queue's streams, subjects, consumers and KV keys under a prefix. */
export interface QueueNames {
  /** Work-queue stream: ready subjects per priority and the delayed subject. */
  stream: string;
  /** Limits stream of failed jobs, one message per job id. */
  failedStream: string;
  /** `<base>.r.*`: every ready level. */
  readyAll: string;
  /** `<base>.d`: delayed jobs (and retries waiting for their backoff). */
  delayed: string;
  /** `<base>.f.*`: failed records. */
  failedAll: string;
  /** Core-NATS wake-up subject (not stored): pushes announce their levels here. */
  wake: string;
  /** KV keys. */
  pausedKey: string;
  completedKey: string;
  base: string;
  kvBase: string;
}

/** A queue name as one subject/stream-name token: kept when plain, else '_' + hex. */
export function encodeQueue(queue: string): string {
  return /^[A-Za-z0-9-][A-Za-z0-9_-]{0,63}$/.test(queue) ? queue : `_${Buffer.from(queue).toString('hex')}`;
}

/** A job id as one subject / KV key token (base64url). */
export function idToken(id: string): string {
  return Buffer.from(id).toString('base64url') || '_';
}

/** Names for `queue` under `prefix` (prefix has no '_', so `<prefix>_q_` / `_f_` never collide). */
export function queueNames(prefix: string, queue: string): QueueNames {
  const q = encodeQueue(queue);
  const base = `${prefix}.${q}`;
  return {
    stream: `${prefix}_q_${q}`,
    failedStream: `${prefix}_f_${q}`,
    readyAll: `${base}.r.*`,
    delayed: `${base}.d`,
    failedAll: `${base}.f.*`,
    wake: `${prefix}._wake.${q}`,
    pausedKey: `${q}.paused`,
    completedKey: `${q}.completed`,
    base,
    kvBase: q,
  };
}

/** Subject token of a priority level: '0', '10', 'n5' for -5. */
export function levelToken(priority: number): string {
  return priority < 0 ? `n${-priority}` : String(priority);
}

/** Priority of a level token (NaN when it is not one). */
export function levelOf(token: string): number {
  if (!/^n?\d{1,6}$/.test(token)) return Number.NaN;
  return token.startsWith('n') ? -Number(token.slice(1)) : Number(token);
}

/** Durable consumer name of a ready level. */
export function levelConsumer(priority: number): string {
  return `ready_${levelToken(priority)}`;
}

/** Durable consumer of the delayed subject. */
export const DELAYED_CONSUMER = 'delayed';
