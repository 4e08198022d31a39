import type { ChildProcess } from 'node:child_process';
import { Queue } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { afterEach, expect, it } from 'vitest';
import { describeWithNats } from '../../../test-support/nats-harness.js';
import { natsDriver, type NatsQueueDriver } from './index.js';
import { createLog, killChild, type LogLine, readLog, startWorkerChild, stopChild } from './fixtures/children.js';

/**
 * Every id ran with attempt 1; with `exactlyOnceAcks`, none was acked twice, no handler started after
 * the job's ack and stall counts only grow. (Across a server crash JetStream may redeliver a job acked
 * just before it, as a first delivery: consumer state is written asynchronously, see the README.)
 */
function checkLog(lines: LogLine[], ids: readonly string[], exactlyOnceAcks = true): void {
  const ackSeq = new Map<string, number>();
  for (const l of lines) {
    if (l.kind !== 'ack') continue;
    if (exactlyOnceAcks) expect(ackSeq.has(l.id), `job ${l.id} acknowledged twice`).toBe(false);
    if (!ackSeq.has(l.id)) ackSeq.set(l.id, l.seq);
  }
  const runs = new Map<string, LogLine[]>();
  for (const l of lines) {
    if (l.kind !== 'run') continue;
    expect(l.attempt, `job ${l.id} ran as attempt ${l.attempt}`).toBe(1);
    const a = ackSeq.get(l.id);
    if (a !== undefined && exactlyOnceAcks) expect(l.seq < a, `job ${l.id} ran again (${l.tag}) after its ack`).toBe(true);
    runs.set(l.id, [...(runs.get(l.id) ?? []), l]);
  }
  for (const id of ids) {
    const r = runs.get(id);
    expect(r, `job ${id} never ran`).toBeDefined();
    if (!exactlyOnceAcks) continue;
    for (const [i, run] of r!.entries()) expect(run.stalls, `job ${id} run ${i} stall count`).toBeGreaterThanOrEqual(i);
  }
}

async function drained(queue: Queue): Promise<boolean> {
  const c = await queue.counts();
  return c.waiting === 0 && c.active === 0 && c.delayed === 0;
}

const children = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...children].map((c) => killChild(c)));
  children.clear();
});

describeWithNats('nats driver with worker processes', (nats) => {
  it('SIGKILL rounds: every job runs and leaves the stream, none is acked twice or runs after its ack, attempts stay exact', async () => {
    const prefix = nats.prefix;
    const name = 'kill';
    await createLog(nats.url, prefix);
    const driver = natsDriver({ servers: nats.url, prefix });
    try {
      const queue = new Queue(name, { driver });
      const total = 300;
      const ids = (await queue.pushBulk(Array.from({ length: total }, (_, i) => ({ name: 'n', payload: i })))).map((p) => p.id);
      const spawn = async (tag: string) => {
        const c = await startWorkerChild({ url: nats.url, prefix, queue: name, concurrency: 4, leaseMs: 1000, handlerMs: 8, tag });
        children.add(c);
        return c;
      };
      let live = await Promise.all(['w0', 'w1', 'w2'].map(spawn));
      for (let round = 0; round < 4; round++) {
        await until(`round ${round} progress`, async () => (await queue.counts()).waiting <= total - (round + 1) * 50, 30_000);
        await killChild(live[0]!, 'SIGKILL');
        live = [...live.slice(1), await spawn(`r${round}`)];
      }
      await until('every job left the stream', () => drained(queue), 60_000);
      expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, failed: 0 });
      checkLog(await readLog(nats.url, prefix), ids);
      for (const c of live) expect(c.exitCode, 'a worker process crashed').toBeNull();
    } finally {
      await driver.close();
    }
  }, 120_000);
});

describeWithNats('nats driver across a nats-server SIGKILL and restart', (nats) => {
  it('workers and producers wait while the server is down; every confirmed push is delivered afterwards', async () => {
    const server = nats.server!;
    const prefix = `${nats.prefix}r`;
    const name = 'restart';
    await createLog(nats.url, prefix);
    const driver: NatsQueueDriver = natsDriver({ servers: nats.url, prefix, pushTimeoutMs: 30_000 });
    let connectionErrors = 0;
    driver.on('error', () => {
      connectionErrors++;
    });
    try {
      const queue = new Queue(name, { driver });
      const total = 300;
      const confirmed = (await queue.pushBulk(Array.from({ length: total }, (_, i) => ({ name: 'n', payload: i })))).map((p) => p.id);
      const workers = await Promise.all(['a', 'b'].map(async (tag) => {
        const c = await startWorkerChild({ url: nats.url, prefix, queue: name, concurrency: 3, leaseMs: 2000, handlerMs: 10, tag });
        children.add(c);
        return c;
      }));
      await until('some progress', async () => (await queue.counts()).waiting <= total - 60, 30_000);
      // A producer keeps pushing across the crash: every push that resolved must be delivered.
      let producing = true;
      const producer = (async () => {
        for (let i = 0; producing && i < 60; i++) {
          const { id } = await queue.push('late', i);
          confirmed.push(id);
        }
      })();
      await server.restart({ kill: true });
      await until('producer done', async () => confirmed.length >= total + 20, 40_000);
      producing = false;
      await producer;
      await until('every job left the stream after the restart', () => drained(queue), 60_000);
      expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, failed: 0 });
      checkLog(await readLog(nats.url, prefix), confirmed, false);
      const reports = await Promise.all(workers.map((c) => stopChild(c)));
      for (const r of reports) {
        expect(r, 'worker exited cleanly with a report').toBeDefined();
        expect(r!.connectionErrors, 'the outage surfaced as connection error events').toBeGreaterThan(0);
      }
      expect(connectionErrors).toBeGreaterThan(0);
    } finally {
      await driver.close();
    }
  }, 180_000);

  it('a push while the server is gone waits pushTimeoutMs, then fails with ODY_QUEUE_NATS_PUSH_TIMEOUT; the next one after the restart succeeds', async () => {
    const server = nats.server!;
    const driver = natsDriver({ servers: nats.url, prefix: `${nats.prefix}t`, pushTimeoutMs: 800 });
    driver.on('error', () => {});
    try {
      const queue = new Queue('timeout', { driver });
      await queue.push('j', 1);
      await server.stop({ keepDir: true });
      const err = await queue.push('j', 2).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ODY_QUEUE_NATS_PUSH_TIMEOUT' });
      await server.start();
      await until('pushes succeed again', async () => (await queue.push('j', 3).then(() => true, () => false)), 20_000);
      expect((await queue.counts()).waiting).toBeGreaterThanOrEqual(2);
    } finally {
      await driver.close();
    }
  }, 60_000);
}, { private: true });
