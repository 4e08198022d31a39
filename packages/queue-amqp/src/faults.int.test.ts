// Fault suite of the AMQP driver, on a private rabbitmq-server (it freezes the broker): the broker
// SIGSTOPped mid-traffic, producer and worker processes SIGKILLed meanwhile, garbage messages in the work
// queue. The README promises at-least-once: every confirmed push runs to the end; a kill is a stall, not a
// spent attempt; errors are typed; no process crashes or rejects unhandled.
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OdyError } from '@ody/core';
import { Queue, Worker } from '@ody/queue';
import { Connection } from 'rabbitmq-client';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { until } from '../../../test-support/wait.js';
import { amqpDriver } from './index.js';
import { idsWith, killChild, readLog, startWorkerChild, stopChild } from './fixtures/children.js';
import { TcpProxy, viaProxy } from './fixtures/proxy.js';

const dir = mkdtempSync(join(tmpdir(), 'ody-amqp-faults-'));
const children = new Set<ChildProcess>();
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await Promise.all([...children].map((c) => killChild(c)));
  children.clear();
  expect(unhandled, 'no unhandled rejection in the test process').toEqual([]);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  rmSync(dir, { recursive: true, force: true });
});

function startProducer(url: string, prefix: string, queue: string, log: string, first: number, count: number): Promise<ChildProcess> {
  const fixtures = join(import.meta.dirname, 'fixtures');
  const child = fork(join(fixtures, 'producer-child.ts'), [url, prefix, queue, log, String(first), String(count)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`producer exited with ${code} before it was ready`)));
  });
}

function producerLog(log: string): { ok: Map<number, string>; err: string[]; done: boolean } {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const ok = new Map<number, string>();
  for (const l of lines.filter((l) => l.startsWith('ok '))) {
    const [, n, id] = l.split(' ');
    ok.set(Number(n), id!);
  }
  return { ok, err: lines.filter((l) => l.startsWith('err ')).map((l) => l.split(' ')[2]!), done: lines.includes('done') };
}

describeWithRabbit('amqp driver fault suite', (rabbit) => {
  it('broker SIGSTOPped mid-traffic while a producer and a worker are SIGKILLed: every confirmed push runs to the end', async () => {
    const name = 'storm';
    const workLog = join(dir, 'work.log');
    const logA = join(dir, 'a.log');
    const logB = join(dir, 'b.log');
    const driver = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix });
    driver.onError(() => {});
    const queue = new Queue(name, { driver });
    try {
      await queue.counts(); // declares the topology before the children race to
      const spawnWorker = async (tag: string) => {
        const c = await startWorkerChild({ url: rabbit.url, prefix: rabbit.prefix, queue: name, concurrency: 4, handlerMs: 5, logFile: workLog, tag });
        children.add(c);
        return c;
      };
      const [workerA, workerB] = await Promise.all([spawnWorker('wa'), spawnWorker('wb')]);
      const [producerA] = await Promise.all([
        startProducer(rabbit.url, rabbit.prefix, name, logA, 0, 150),
        startProducer(rabbit.url, rabbit.prefix, name, logB, 100_000, 150),
      ]);
      const confirmed = () => producerLog(logA).ok.size + producerLog(logB).ok.size;
      await until('first confirmations and runs', () => confirmed() >= 40 && idsWith(workLog, 'done').size >= 20, { timeoutMs: 30_000 });

      await rabbit.server!.pause();
      try {
        const probe = new Connection({ url: rabbit.url, connectionTimeout: 300, retryLow: 10_000 });
        probe.on('error', () => {});
        await expect(probe.acquire({ }), 'the broker is frozen').rejects.toBeDefined();
        probe.close().catch(() => {});
        await killChild(producerA, 'SIGKILL');
        await killChild(workerA, 'SIGKILL');
      } finally {
        rabbit.server!.resume();
      }
      const workerC = await spawnWorker('wc');
      await until('producer B finished', () => producerLog(logB).done, { timeoutMs: 30_000 });
      const all = [producerLog(logA), producerLog(logB)];
      expect(all.flatMap((l) => l.err), 'no push rejected').toEqual([]);
      expect(all[1]!.ok.size).toBe(150);
      const ids = all.flatMap((l) => [...l.ok.values()]);
      await until('every confirmed push ran to the end', () => {
        const done = idsWith(workLog, 'done');
        return ids.every((id) => done.has(id));
      }, { timeoutMs: 30_000 });
      for (const w of [workerB, workerC]) expect(w.exitCode, 'a surviving worker crashed').toBeNull();
      await Promise.all([workerB, workerC].map((c) => stopChild(c)));
      expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, failed: 0 });
      // A kill is a stall, never a spent attempt.
      expect(readLog(workLog).filter((l) => l.kind === 'run' && l.attempt !== 1)).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 90_000);

  it('while the broker is unreachable every call fails typed or waits, and all work again after', async () => {
    const proxy = await TcpProxy.start(new URL(rabbit.url).hostname, Number(new URL(rabbit.url).port || 5672));
    const driver = amqpDriver({ url: viaProxy(rabbit.url, proxy), prefix: rabbit.prefix, pushTimeoutMs: 600, connection: { retryLow: 50, retryHigh: 300 } });
    driver.onError(() => {});
    const queue = new Queue<number>('unreachable', { driver });
    try {
      await queue.push('n', 1);
      proxy.setDown(true);
      const calls: Record<string, () => Promise<unknown>> = {
        push: () => queue.push('n', 2),
        counts: () => queue.counts(),
        isPaused: () => queue.isPaused(),
        pause: () => queue.pause(),
        failedList: () => queue.failed.list(),
      };
      for (const [name, call] of Object.entries(calls)) {
        const outcome = await call().then(() => 'resolved', (e: unknown) => e);
        if (outcome !== 'resolved') expect(OdyError.is(outcome) ? outcome.code : `untyped ${String(outcome)}`, name).toMatch(/^ODY_QUEUE_AMQP_/);
      }
      proxy.setDown(false);
      await until('calls work again', () => queue.counts().then(() => true, () => false), { timeoutMs: 20_000 });
      await queue.resume();
      await queue.push('n', 3);
    } finally {
      await driver.close();
      await proxy.close();
    }
  }, 30_000);

  it('bad input: messages another client put in the work queue fail as corrupt; the worker goes on; errors are typed', async () => {
    const name = 'garbage';
    const driver = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix });
    const errors: unknown[] = [];
    driver.onError((e) => errors.push(e));
    const queue = new Queue<number>(name, { driver });
    const raw = new Connection(rabbit.url);
    raw.on('error', () => {});
    const seen: number[] = [];
    try {
      await queue.counts();
      const pub = raw.createPublisher({ confirm: true });
      const q = `${rabbit.prefix}.${name}`;
      const bad: Array<{ id: string; headers?: Record<string, unknown>; body: string }> = [
        { id: 'no-header', body: 'x' },
        { id: 'not-json', headers: { 'x-ody': '{oops' }, body: 'x' },
        { id: 'json-null', headers: { 'x-ody': 'null' }, body: 'x' },
        { id: 'json-number', headers: { 'x-ody': '42' }, body: 'x' },
        { id: 'empty-state', headers: { 'x-ody': '{}' }, body: 'x' },
        { id: 'wrong-types', headers: { 'x-ody': '{"attempts":"many","errors":"none","backoff":7}' }, body: 'x' },
        { id: 'not-a-string', headers: { 'x-ody': 12 }, body: 'x' },
      ];
      for (const m of bad) await pub.send({ routingKey: q, messageId: m.id, durable: true, headers: m.headers ?? {} }, m.body);
      await pub.close();
      await queue.push('n', 7);
      const worker = new Worker<number>(queue, (job) => {
        seen.push(job.data);
      }, { concurrency: 2, waitMs: 200 });
      worker.on('error', (e) => errors.push(e));
      await until('garbage failed, good job done', async () => (await queue.counts()).failed === bad.length && seen.length === 1);
      await worker.close();
      expect(seen).toEqual([7]);
      const failed = await queue.failed.list({ limit: 20 });
      expect(failed.map((f) => f.id).sort()).toEqual(bad.map((b) => b.id).sort());
      for (const f of failed) expect([f.id, f.reason]).toEqual([f.id, 'corrupt']);
      for (const e of errors) expect(OdyError.is(e), String(e)).toBe(true);
      expect(await queue.counts()).toMatchObject({ waiting: 0, failed: bad.length });
    } finally {
      await raw.close();
      await driver.close();
    }
    const closed = await queue.push('n', 1).catch((e: unknown) => e);
    expect(OdyError.is(closed) && /CLOSED$/.test(closed.code), String(closed)).toBe(true);
  }, 30_000);
}, { private: true });
