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
import { afterAll, beforeAll, describe } from 'vitest';
import { describeMissing } from './missing-server.js';
import {
  type RedisClusterHandle,
  type RedisHandle,
  type RedisNeeds,
  redisClusterSource,
  redisRequired,
  redisSource,
  startRedis,
  startRedisCluster,
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
    describeMissing({ tag: 'redis', what: 'Redis', requireVar: 'ODY_REQUIRE_REDIS', required: redisRequired() }, name, source.reason);
    return;
  }
  describe(name, () => {
    const redis = useRedis(options);
    fn(redis);
  });
}

/**
 * `describe` whose body gets a Redis Cluster: `REDIS_CLUSTER_URL` (a seed node), else a private one-node
 * cluster spawned from the installed redis-server (all 16384 slots, `cluster_state:ok`), else a visible
 * `[redis] skipped: …` line — or, under CI=true / ODY_REQUIRE_REDIS=1, one failing `needs Redis Cluster` test.
 * @example
 * describeWithRedisCluster('my cluster feature', (cluster) => {
 *   it('works', async () => { const client = new Cluster([{ host: cluster.host, port: cluster.port }]); ... });
 * });
 */
export function describeWithRedisCluster(name: string, fn: (cluster: RedisClusterHandle) => void): void {
  const source = redisClusterSource();
  if (source.mode === 'none') {
    describeMissing({ tag: 'redis', what: 'Redis Cluster', requireVar: 'ODY_REQUIRE_REDIS', required: redisRequired() }, name, source.reason);
    return;
  }
  describe(name, () => {
    let handle: RedisClusterHandle | undefined;
    beforeAll(async () => {
      handle = await startRedisCluster();
    }, 30_000);
    afterAll(async () => {
      await handle?.stop();
      handle = undefined;
    });
    const current = (): RedisClusterHandle => {
      if (!handle) throw new Error('[redis] cluster handle used outside a test (before beforeAll or after afterAll)');
      return handle;
    };
    fn({
      get url() { return current().url; },
      get host() { return current().host; },
      get port() { return current().port; },
      get prefix() { return current().prefix; },
      get server() { return current().server; },
      stop: () => current().stop(),
    });
  });
}
