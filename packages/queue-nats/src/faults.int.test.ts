// Fault suite of the NATS JetStream driver, on a nats-server of its own: the server SIGSTOPped mid-traffic
// while a producer and a worker process are SIGKILLed, and messages with garbage job headers. The README
// promises: a push resolves only once stored, at least once delivery, an acked job leaves the stream (no
// server crash here, so none is acked twice or runs after its ack); errors are typed; nothing crashes.
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { OdyError } from '@ody/core';
import { Queue, Worker } from '@ody/queue';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithNats } from '../../../test-support/nats-harness.js';
import { until } from '../../../test-support/wait.js';
import { natsDriver } from './index.js';
import { createLog, killChild, readLog, startWorkerChild, stopChild } from './fixtures/children.js';

const dir = mkdtempSync(join(tmpdir(), 'ody-nats-faults-'));
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

describeWithNats('nats driver fault suite', (nats) => {
  it('server SIGSTOPped mid-traffic while a producer and a worker are SIGKILLed: confirmed pushes all run, none acked twice or run after its ack', async () => {
    const prefix = nats.prefix;
    const name = 'storm';
    const logA = join(dir, 'a.log');
    const logB = join(dir, 'b.log');
    await createLog(nats.url, prefix);
    const driver = natsDriver({ servers: nats.url, prefix });
    driver.on('error', () => {});
    const queue = new Queue(name, { driver });
    try {
      await queue.counts(); // creates the stream before the children race to
      const spawnWorker = async (tag: string) => {
        const c = await startWorkerChild({ url: nats.url, prefix, queue: name, concurrency: 4, leaseMs: 1500, handlerMs: 5, tag });
        children.add(c);
        return c;
      };
      const [workerA, workerB] = await Promise.all([spawnWorker('wa'), spawnWorker('wb')]);
      const [producerA] = await Promise.all([
        startProducer(nats.url, prefix, name, logA, 0, 150),
        startProducer(nats.url, prefix, name, logB, 100_000, 150),
      ]);
      const confirmed = () => producerLog(logA).ok.size + producerLog(logB).ok.size;
      await until('first confirmations', () => confirmed() >= 40, { timeoutMs: 30_000 });

      const pid = nats.server!.pid()!;
      process.kill(pid, 'SIGSTOP');
      try {
        await until('the server process is stopped', () => /^\d+ \(.*\) T/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')));
        const probe = await connect({ servers: nats.url, timeout: 300, reconnect: false }).then(
          (nc) => nc.close().then(() => 'connected'),
          () => 'refused',
        );
        expect(probe, 'the server is frozen').toBe('refused');
        await killChild(producerA, 'SIGKILL');
        await killChild(workerA, 'SIGKILL');
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      const workerC = await spawnWorker('wc');
      await until('producer B finished', () => producerLog(logB).done, { timeoutMs: 30_000 });
      const all = [producerLog(logA), producerLog(logB)];
      expect(all.flatMap((l) => l.err), 'no push rejected').toEqual([]);
      expect(all[1]!.ok.size).toBe(150);
      await until('queue drained', async () => {
        const c = await queue.counts();
        return c.waiting === 0 && c.active === 0 && c.delayed === 0;
      }, { timeoutMs: 30_000 });
      for (const w of [workerB, workerC]) expect(w.exitCode, 'a surviving worker crashed').toBeNull();
      await Promise.all([workerB, workerC].map((c) => stopChild(c)));

      const lines = await readLog(nats.url, prefix);
      const ackSeq = new Map<string, number>();
      for (const l of lines.filter((l) => l.kind === 'ack')) {
        expect(ackSeq.has(l.id), `job ${l.id} acknowledged twice`).toBe(false);
        ackSeq.set(l.id, l.seq);
      }
      const ran = new Set<string>();
      for (const l of lines.filter((l) => l.kind === 'run')) {
        expect(l.attempt, `job ${l.id}: a kill is a stall, not a spent attempt`).toBe(1);
        const a = ackSeq.get(l.id);
        if (a !== undefined) expect(l.seq < a, `job ${l.id} ran again (${l.tag}) after its ack`).toBe(true);
        ran.add(l.id);
      }
      for (const l of all) for (const [n, id] of l.ok) expect(ran.has(id), `confirmed push ${n} (${id}) never ran`).toBe(true);
      expect(await queue.counts()).toMatchObject({ failed: 0 });
    } finally {
      await driver.close();
    }
  }, 60_000);

  it('while the server is down every call fails typed or waits, and all work again after it is back', async () => {
    const driver = natsDriver({ servers: nats.url, prefix: `${nats.prefix}down`, pushTimeoutMs: 600, requestTimeoutMs: 500 });
    driver.on('error', () => {});
    const queue = new Queue<number>('down', { driver });
    try {
      await queue.push('n', 1);
      await nats.server!.stop({ kill: true, keepDir: true });
      const calls: Record<string, () => Promise<unknown>> = {
        push: () => queue.push('n', 2),
        counts: () => queue.counts(),
        isPaused: () => queue.isPaused(),
        pause: () => queue.pause(),
        failedList: () => queue.failed.list(),
      };
      for (const [name, call] of Object.entries(calls)) {
        const outcome = await Promise.race([
          call().then(() => 'resolved', (e: unknown) => e),
          new Promise((r) => setTimeout(() => r('still waiting after 8 s'), 8_000).unref()),
        ]);
        if (outcome !== 'resolved') expect(OdyError.is(outcome) ? outcome.code : `untyped ${String(outcome)}`, name).toMatch(/^ODY_QUEUE_NATS_/);
      }
      await nats.server!.start();
      await until('calls work again', () => queue.counts().then(() => true, () => false), { timeoutMs: 20_000 });
      await queue.resume();
      await queue.push('n', 3);
    } finally {
      await driver.close();
    }
  }, 30_000);

  it('bad input: job headers of the wrong shape fail as corrupt, the worker goes on, errors are typed', async () => {
    const driver = natsDriver({ servers: nats.url, prefix: nats.prefix });
    const errors: unknown[] = [];
    driver.on('error', (e) => errors.push(e));
    const nc = await connect({ servers: nats.url });
    const name = 'garbage';
    const queue = new Queue<number>(name, { driver });
    const seen: number[] = [];
    try {
      await queue.counts();
      const names = await driver.names(name);
      const bad = [
        'not json',
        'null',
        '42',
        '{}',
        '{"i":"wrong-types","n":"n","p":"high","r":0,"a":"many","b":null,"t":0,"c":0,"d":0,"am":"x","st":null,"e":"none"}',
        '{"i":"no-backoff","n":"n","p":0,"r":0,"a":3,"t":0,"c":0,"d":0,"am":0,"st":0}',
      ];
      for (const raw of bad) {
        const h = headers();
        h.set('Ody-Job', raw);
        await jetstream(nc).publish(`${names.base}.r.0`, '1', { headers: h }); // a valid payload: only the header is bad
      }
      await queue.push('n', 7, { attempts: 3, backoff: { type: 'fixed', delayMs: 0 } });
      const worker = new Worker<number>(queue, (job) => {
        seen.push(job.data);
        if (job.attempt < 3) throw new Error('retry me'); // the good job also goes through a retry
      }, { concurrency: 2, waitMs: 200 });
      worker.on('error', (e) => errors.push(e));
      await until('garbage failed, good job done', async () => {
        const c = await queue.counts();
        return c.failed === bad.length && c.completed === 1;
      });
      await worker.close();
      expect(seen).toEqual([7, 7, 7]);
      const failed = await queue.failed.list({ limit: 20 });
      expect(failed.map((f) => f.reason)).toEqual(bad.map(() => 'corrupt'));
      for (const e of errors) expect(OdyError.is(e), String(e)).toBe(true);
    } finally {
      await nc.close();
      await driver.close();
    }
    const closed = await queue.push('n', 1).catch((e: unknown) => e);
    expect(OdyError.is(closed) && /CLOSED$/.test(closed.code), String(closed)).toBe(true);
  });
}, { private: true });
