import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { afterEach, expect, it } from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { amqpDriver } from '../src/index.js';
import { ackedIds, killChild, readLog, startWorkerChild } from './children.js';

const children = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...children].map((c) => killChild(c)));
  children.clear();
});

describeWithRabbit('amqp driver with worker processes', (rabbit) => {
  it('SIGKILL rounds: every job completes, no attempt is spent by a kill, nothing is left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-amqp-kill-'));
    const logFile = join(dir, 'log');
    const name = 'kill';
    const driver = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix });
    try {
      const queue = new Queue(name, { driver });
      const total = 300;
      const pushed = await queue.pushBulk(Array.from({ length: total }, (_, i) => ({ name: 'n', payload: i, options: { attempts: 3 } })));
      const ids = pushed.map((p) => p.id);
      const spawn = async (tag: string) => {
        const c = await startWorkerChild({ url: rabbit.url, prefix: rabbit.prefix, queue: name, concurrency: 4, handlerMs: 15, logFile, tag });
        children.add(c);
        return c;
      };
      let live = await Promise.all(['w0', 'w1', 'w2'].map(spawn));
      const killed: string[] = [];
      for (let round = 0; round < 4; round++) {
        await until(`round ${round} progress`, () => ackedIds(logFile).size >= (round + 1) * 40, 30_000);
        const victim = live[0]!;
        await killChild(victim, 'SIGKILL');
        killed.push(`w${round}`);
        live = [...live.slice(1), await spawn(`r${round}`)];
      }
      await until('every job acknowledged', () => ackedIds(logFile).size === total, 60_000);
      await until('queue drained', async () => (await queue.counts()).waiting === 0, 10_000);
      expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, failed: 0 });
      const log = readLog(logFile);
      const acked = ackedIds(logFile);
      for (const id of ids) expect(acked.has(id), `job ${id} lost`).toBe(true);
      // A kill is a stall, never a spent attempt: every run is attempt 1 (no handler ever threw).
      expect(log.filter((l) => l.kind === 'run' && l.attempt !== 1)).toEqual([]);
      // Jobs ran again only after a kill: some runs carry stalls > 0, and the kills hit running jobs.
      expect(log.some((l) => l.kind === 'run' && l.stalls > 0)).toBe(true);
      for (const c of live) expect(c.exitCode, 'a worker process crashed').toBeNull();
    } finally {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
