import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { asyncCommandCases } from '../test-support/async-cases.js';
import { SlowCommand } from '../test-support/fixtures/messages.js';
import { redisBackend } from '../test-support/redis-backend.js';
import { record, statusStoreCases } from '../test-support/status-store-cases.js';
import { createBuses } from '../buses/create.js';
import { createAsyncCommands } from '../async/runtime.js';
import type { CommandStatusStore } from '../async/status-store.js';
import { waitForRecord } from '../async/wait.js';
import { RedisStatusStore, redisStatusStore } from './index.js';

const fixtures = join(import.meta.dirname, '../test-support/fixtures');

describeWithRedis('cqrs on Redis', (redis) => {
  describe('async commands on the redis driver with the redis status store', () => {
    asyncCommandCases(() => redisBackend(redis));
  });

  describe('redis status store', () => {
    const open: CommandStatusStore[] = [];
    let n = 0;
    const make = () => {
      const store = redisStatusStore({ url: redis.url, prefix: `${redis.prefix}s${++n}` });
      open.push(store);
      return store;
    };
    afterAll(async () => {
      for (const s of open.splice(0)) await s.close();
    });
    statusStoreCases(make);

    it('wait() in one process is woken by pub/sub when another connection writes', async () => {
      const prefix = `${redis.prefix}w`;
      const waiter = redisStatusStore({ url: redis.url, prefix });
      const writer = redisStatusStore({ url: redis.url, prefix });
      try {
        await writer.create(record('w1'));
        const waiting = waitForRecord(waiter, 'w1', 10_000);
        await new Promise((r) => setTimeout(r, 50));
        await writer.update('w1', { state: 'running', attempts: 1 });
        await writer.update('w1', { state: 'succeeded', result: { ok: [1, 'two', null] } });
        // A wake-up delivered the record itself: no read needed, and the result survives JSON exactly.
        expect(await waiting).toMatchObject({ state: 'succeeded', result: { ok: [1, 'two', null] } });
      } finally {
        await waiter.close();
        await writer.close();
      }
    });

    it('keeps every key in one {cqrs} hash slot, expires finished records and caps them by count', async () => {
      const prefix = `${redis.prefix}r`;
      const client = new Redis(redis.url);
      const store = new RedisStatusStore({ client, prefix, retentionMs: 60_000, maxFinished: 2 });
      try {
        await store.claimKey('cart-1', 'a');
        for (const id of ['a', 'b', 'c']) {
          await store.create(record(id, id === 'a' ? { idempotencyKey: 'cart-1' } : {}));
          await store.update(id, { state: 'running', attempts: 1 });
        }
        expect(await client.pttl(store.recordKey('a'))).toBe(-1); // unfinished: never expires
        expect(await client.pttl(store.claimKeyOf('cart-1'))).toBe(-1); // claim persisted with its record
        await store.update('a', { state: 'succeeded', result: 1 });
        const ttl = await client.pttl(store.recordKey('a'));
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
        expect(await client.pttl(store.claimKeyOf('cart-1'))).toBeGreaterThan(0);
        await store.update('b', { state: 'failed', error: { name: 'Error', message: 'x' } });
        await store.update('c', { state: 'succeeded', result: 3 });
        // Count cap 2: the oldest finished record and its claim are gone.
        expect(await store.get('a')).toBeUndefined();
        expect(await client.exists(store.claimKeyOf('cart-1'))).toBe(0);
        expect(await client.zrange(store.doneKey, 0, -1)).toEqual(['b', 'c']);
        const keys = await client.keys(`${prefix}:*`);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) expect(key).toMatch(new RegExp(`^${prefix}:\\{cqrs\\}:`));
        expect(await store.prune(Date.now() + 1)).toBe(2);
        expect(await client.exists(store.doneKey)).toBe(0);
      } finally {
        await store.close();
        client.disconnect();
      }
    });

    it('runs its scripts again after SCRIPT FLUSH (NOSCRIPT fallback)', async () => {
      const store = make();
      await store.create(record('f1'));
      const client = new Redis(redis.url);
      await client.script('FLUSH');
      client.disconnect();
      expect(await store.update('f1', { state: 'running', attempts: 1 })).toMatchObject({ state: 'running' });
    });
  });

  it('two producer processes dispatching one idempotency key get one commandId, and the command runs once', async () => {
    const backend = await redisBackend(redis);
    const { prefix } = backend;
    const runProducer = () =>
      new Promise<Array<{ commandId: string; duplicate: boolean }>>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'redis-producer.ts'), redis.url, prefix, 'order-77', '10'], {
          env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Array<{ commandId: string; duplicate: boolean }>) : reject(new Error(`producer exited with ${code}`))));
      });
    try {
      const [a, b] = await Promise.all([runProducer(), runProducer()]);
      const all = [...a, ...b];
      expect(all).toHaveLength(20);
      const ids = new Set(all.map((r) => r.commandId));
      expect(ids.size).toBe(1);
      expect(all.filter((r) => !r.duplicate)).toHaveLength(1);
      const [commandId] = [...ids] as [string];

      const buses = createBuses();
      const runs: string[] = [];
      buses.commandBus.register(SlowCommand, (cmd) => {
        runs.push(cmd.text);
        return { echoed: cmd.text, by: process.pid };
      });
      const runtime = createAsyncCommands({ buses, store: backend.store, queues: backend.queues, worker: { waitMs: 50 } });
      runtime.startWorkers();
      try {
        await buses.commandBus.wait(commandId, { timeoutMs: 10_000 });
        expect(runs).toHaveLength(1);
        // The status is written before the worker's (batched) ack lands: let the ack land, then no job is left.
        let counts = await backend.driver.counts('slow');
        for (let i = 0; counts.active > 0 && i < 200; i++) {
          await new Promise((r) => setTimeout(r, 10));
          counts = await backend.driver.counts('slow');
        }
        expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
        expect(runs).toHaveLength(1);
        expect(await buses.commandBus.dispatch(new SlowCommand('late'), { idempotencyKey: 'order-77' })).toEqual({ commandId, status: 'succeeded', duplicate: true });
      } finally {
        await runtime.close({ timeoutMs: 1000 });
      }
    } finally {
      await backend.close();
    }
  });
});
