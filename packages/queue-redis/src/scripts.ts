import type { Cluster, Redis } from 'ioredis';
import { COUNTS, FAILED_GET, FAILED_MOVE } from './lua/admin.js';
import { PUSH } from './lua/push.js';
import { RECOVER } from './lua/recover.js';
import { SETTLE } from './lua/settle.js';
import { KEY_NAMES } from './keys.js';

type Arg = string | number | Buffer;
type Call<R> = (...args: Arg[]) => Promise<R>;

/** The queue scripts as commands on an ioredis client (EVALSHA, EVAL on NOSCRIPT: ioredis defineCommand). */
export interface ScriptCommands {
  odyPush: Call<number[]>;
  odySettle: Call<unknown[]>;
  odyRecover: Call<[string[], string[]]>;
  odyCounts: Call<number[]>;
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
  odyFailedGet: FAILED_GET,
  odyFailedMove: FAILED_MOVE,
};

/** Define every queue script on `client` (once per client; each is loaded by SHA on first use). */
export function defineScripts(client: Redis | Cluster): ScriptClient {
  const c = client as ScriptClient;
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (typeof (c as unknown as Record<string, unknown>)[name] === 'function') continue;
    client.defineCommand(name, { numberOfKeys: KEY_NAMES.length, lua });
  }
  return c;
}
