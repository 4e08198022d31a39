import type { Cluster, Redis } from 'ioredis';
import { COUNTS, FAILED_GET, FAILED_MOVE, OLDEST } from './lua/admin.js';
import { PUSH } from './lua/push.js';
import { RECOVER } from './lua/recover.js';
import { SETTLE } from './lua/settle.js';
import { QueueRedisError } from './errors.js';
import { KEY_NAMES } from './keys.js';

type Arg = string | number | Buffer;
type Call<R> = (...args: Arg[]) => Promise<R>;

/** The queue scripts as commands on an ioredis client (EVALSHA, EVAL on NOSCRIPT: ioredis defineCommand). */
export interface ScriptCommands {
  odyPush: Call<number[]>;
  odySettle: Call<unknown[]>;
  odyRecover: Call<[string[], string[]]>;
  odyCounts: Call<number[]>;
  odyOldest: Call<number>;
  odyFailedGet: Call<string[]>;
  odyFailedMove: Call<number>;
}

/** An ioredis client (single node or Cluster) with the queue scripts defined. */
export type ScriptClient = (Redis | Cluster) & ScriptCommands;

const SCRIPTS: Record<keyof ScriptCommands, string> = {
  odyPush: PUSH,
  odySettle: SETTLE,
  odyRecover: RECOVER,
  odyCounts: COUNTS,
  odyOldest: OLDEST,
  odyFailedGet: FAILED_GET,
  odyFailedMove: FAILED_MOVE,
};

/** A typed error for a failed Redis call: the server's reply (script bug, wrong server) or the connection. */
export function toRedisError(err: unknown, what: string): QueueRedisError {
  if (err instanceof QueueRedisError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.name === 'ReplyError') {
    return new QueueRedisError('ODY_QUEUE_REDIS_SCRIPT', `Redis rejected ${what}: ${message}`, { cause: err, details: { what } });
  }
  return new QueueRedisError('ODY_QUEUE_REDIS_CONNECTION', `Redis call ${what} failed: ${message}. The driver reconnects; retry later.`, {
    cause: err,
    details: { what },
  });
}

/**
 * Define every queue script on `client` (once per client). ioredis sends them by SHA and re-sends the
 * source on NOSCRIPT; failures reject with a QueueRedisError naming the script.
 */
export function defineScripts(client: Redis | Cluster): ScriptClient {
  const c = client as unknown as Record<string, Call<unknown>>;
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (typeof c[name] === 'function') continue;
    client.defineCommand(name, { numberOfKeys: KEY_NAMES.length, lua });
    const raw = c[name]!.bind(client);
    c[name] = (...args) => raw(...args).catch((err: unknown) => Promise.reject(toRedisError(err, `script ${name}`)));
  }
  return client as ScriptClient;
}
