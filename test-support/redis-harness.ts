/**
 * Shared Redis harness for vitest. Import from a test with a relative path, e.g.
 * `import { describeWithRedis } from '../../../test-support/redis-harness.js'`.
 *
 * Source of Redis, in order (the repo's server rule): `REDIS_URL`, else a server answering on
 * 127.0.0.1:6379, else a `redis-server` binary (spawned on a free 127.0.0.1 port, temp dir), else the
 * suite is skipped with a visible `[redis] skipped: …` line — except under `CI=true` or
 * `ODY_REQUIRE_REDIS=1`, where it fails. A suite that restarts/kills/pauses Redis (`restartable`), asks for
 * persistence or extra server args, or reads/changes server-wide state (`private`) always gets its own
 * spawned server. Shared servers are shared: put `redis.prefix` in every key and queue name.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type RedisHandle,
  type RedisNeeds,
  redisRequired,
  redisSource,
  startRedis,
} from './redis-server.js';

export * from './redis-server.js';

/** Options for `useRedis` / `describeWithRedis`. */
export type UseRedisOptions = Omit<RedisNeeds, 'shared'>;

/**
 * Registers beforeAll/afterAll hooks in the current describe and returns a handle whose fields are
 * readable inside tests (reading them before beforeAll ran throws). Call only where Redis is known
 * to be available (inside `describeWithRedis`), or use it directly when a missing Redis should fail.
 */
export function useRedis(options: UseRedisOptions = {}): RedisHandle {
  let handle: RedisHandle | undefined;
  beforeAll(async () => {
    handle = await startRedis({ ...options, shared: true });
  });
  afterAll(async () => {
    await handle?.stop();
    handle = undefined;
  });
  const current = (): RedisHandle => {
    if (!handle) throw new Error('[redis] handle used outside a test (before beforeAll or after afterAll)');
    return handle;
  };
  return {
    get url() { return current().url; },
    get host() { return current().host; },
    get port() { return current().port; },
    get canRestart() { return current().canRestart; },
    get prefix() { return current().prefix; },
    get server() { return current().server; },
    restart: (o) => current().restart(o),
    stop: () => current().stop(),
  };
}

/**
 * `describe` whose body gets a started Redis. Without Redis: a visible skip line and a skipped suite,
 * or — under CI=true / ODY_REQUIRE_REDIS=1 — one failing test that says what is missing.
 * @example
 * describeWithRedis('redis driver', (redis) => {
 *   it('pushes', async () => { const client = new Redis(redis.url); ... });
 * });
 */
export function describeWithRedis(
  name: string,
  fn: (redis: RedisHandle) => void,
  options: UseRedisOptions = {},
): void {
  const source = redisSource({ ...options, shared: true });
  if (source.mode === 'none') {
    if (redisRequired()) {
      describe(name, () => {
        it('needs Redis', () => {
          throw new Error(`[redis] required (CI=true or ODY_REQUIRE_REDIS=1) but ${source.reason}`);
        });
      });
      return;
    }
    console.warn(`[redis] skipped: ${name} — ${source.reason}`);
    describe.skip(name, () => {
      it('needs Redis', () => {});
    });
    return;
  }
  describe(name, () => {
    const redis = useRedis(options);
    fn(redis);
  });
}
