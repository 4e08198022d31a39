import { createServer } from 'node:net';
import { createApplication } from '@ody/core';
import { type HttpPluginOptions, HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import { redisDriver } from '@ody/queue-redis';
import { expect, it } from 'vitest';
import { describeWithRedis } from '../../../test-support/redis-harness.js';
import { until } from '../../../test-support/wait.js';
import { type HealthCheck, queueCheck } from './health.js';
import { Health, otelPlugin } from './plugin.js';

const silent = { destination: { write: () => true } } as never;

async function app(checks: Record<string, HealthCheck> = {}, routes?: HttpPluginOptions['routes']) {
  const a = await createApplication({
    envFile: false,
    env: {},
    logger: silent,
    config: { app: { logLevel: 'silent' }, http: { port: 0, host: '127.0.0.1' }, queue: { driver: 'memory' }, otel: { health: { checkTimeoutMs: 200 } } },
    plugins: [httpPlugin(routes ? { routes } : {}), queuePlugin(), otelPlugin({ checks })],
  });
  await a.start();
  return { app: a, base: `http://127.0.0.1:${a.get(HttpServer).port}` };
}

it('liveness answers 200; readiness reports each plugin (app, http, queue) and is 200 when all are up', async () => {
  const { app: a, base } = await app();
  try {
    const live = await fetch(`${base}/livez`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: {
        app: { status: 'up' },
        http: { status: 'up', state: 'listening', engine: a.get(HttpServer).engine },
        queue: { status: 'up', driver: 'memory', probe: 'in-process' },
      },
    });
  } finally {
    await a.stop();
  }
});

it('readiness is 503 naming the check that is down, throws, or does not answer in time', async () => {
  const { app: a, base } = await app({
    db: () => ({ status: 'down', error: 'connection refused' }),
    cache: () => {
      throw new Error('cache exploded');
    },
    slow: () => new Promise(() => {}),
  });
  try {
    a.get(Health).add('late', () => ({ status: 'up' }));
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; error?: string }> };
    expect(body.status).toBe('not_ready');
    expect(body.checks.db).toEqual({ status: 'down', error: 'connection refused' });
    expect(body.checks.cache).toEqual({ status: 'down', error: 'cache exploded' });
    expect(body.checks.slow).toEqual({ status: 'down', error: 'no answer within 200 ms' });
    expect(body.checks.late).toEqual({ status: 'up' });
    expect(body.checks.http?.status).toBe('up');
  } finally {
    await a.stop();
  }
});

it('while the app stops, readiness answers 503 draining (app and http) as in-flight requests finish', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const { app: a, base } = await app({}, (router) => router.get('/slow', async () => {
    await gate;
    return 'done';
  }));
  const server = a.get(HttpServer);
  const slow = fetch(`${base}/slow`).then((r) => r.text());
  await until('the slow request is in flight', () => server.inFlight === 1);
  const stopping = a.stop();
  const report = await until('readiness to turn 503', async () => {
    const res = await server.inject({ url: '/readyz' });
    return res.statusCode === 503 ? res.json<{ status: string; checks: Record<string, { status: string }> }>() : undefined;
  });
  expect(report.status).toBe('not_ready');
  expect(report.checks.app?.status).toBe('draining');
  expect(report.checks.http?.status).toBe('draining');
  release();
  expect(await slow).toBe('done');
  await stopping;
});

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

describeWithRedis('queue readiness on redis', (redis) => {
  it('is up while the Redis connection is ready and down (naming the connection state) when Redis cannot be reached', async () => {
    const good = redisDriver({ url: redis.url, prefix: `${redis.prefix}h` });
    const bad = redisDriver({ url: `redis://127.0.0.1:${await closedPort()}`, prefix: `${redis.prefix}h` });
    try {
      await good.counts('warm-up');
      expect(await queueCheck(good)()).toEqual({ status: 'up', driver: 'redis', connection: 'ready' });
      const report = await queueCheck(bad)();
      expect(report.status).toBe('down');
      expect(report.connection).not.toBe('ready');
    } finally {
      await good.close();
      await bad.close();
    }
  });
});
