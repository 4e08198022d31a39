import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { afterEach, expect, it } from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { amqpDriver } from './index.js';
import { idsWith, killChild, readLog, startWorkerChild, stopChild } from './fixtures/children.js';

const children = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...children].map((c) => killChild(c)));
  children.clear();
});

describeWithRabbit('amqp driver with worker processes', (rabbit) => {
  it('SIGKILL rounds: every job runs to the end, no attempt is spent by a kill, nothing is left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-amqp-kill-'));
    const logFile = join(dir, 'log');
    const name = 'kill';
    const driver = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix });
    try {
      const queue = new Queue(name, { driver });
      const total = 800;
      const pushed = await queue.pushBulk(Array.from({ length: total }, (_, i) => ({ name: 'n', payload: i, options: { attempts: 3 } })));
      const ids = pushed.map((p) => p.id);
      const spawn = async (tag: string) => {
        const c = await startWorkerChild({ url: rabbit.url, prefix: rabbit.prefix, queue: name, concurrency: 4, handlerMs: 100, logFile, tag });
        children.add(c);
        return c;
      };
      let liveTags = ['w0', 'w1', 'w2'];
      let live = await Promise.all(liveTags.map(spawn));
      for (let round = 0; round < 4; round++) {
        await until(`round ${round} progress`, () => idsWith(logFile, 'done').size >= (round + 1) * 80, 30_000);
        // Kill a worker while it runs something (a run line without its done line), so the kill
        // interrupts jobs: whichever live worker has one in flight (RabbitMQ spreads by prefetch, so a
        // given worker may be idle for a while on a loaded machine).
        const inFlight = () => {
          const log = readLog(logFile);
          return liveTags.findIndex((tag) => {
            const mine = log.filter((l) => l.tag === tag);
            return mine.filter((l) => l.kind === 'run').length > mine.filter((l) => l.kind === 'done').length;
          });
        };
        // (or nothing is left to interrupt: on a slow machine the last rounds can find every job done)
        await until(`round ${round}: a worker has a job in flight`, () => inFlight() >= 0 || idsWith(logFile, 'done').size === total, 30_000);
        const victim = inFlight();
        if (victim < 0) continue; // it finished in that instant: the next round kills another
        await killChild(live[victim]!, 'SIGKILL');
        live = [...live.filter((_, i) => i !== victim), await spawn(`r${round}`)];
        liveTags = [...liveTags.filter((_, i) => i !== victim), `r${round}`];
      }
      await until('every job ran to the end', () => idsWith(logFile, 'done').size === total, 60_000).catch((err) => {
        const done = idsWith(logFile, 'done');
        const missing = ids.filter((id) => !done.has(id));
        throw new Error(`${(err as Error).message}; ${done.size}/${total} done, missing ${missing.slice(0, 5).join(', ')}`);
      });
      for (const c of live) expect(c.exitCode, 'a worker process crashed').toBeNull();
      // Graceful stops give back whatever a live worker still held: nothing may be left in the queue.
      await Promise.all(live.map((c) => stopChild(c)));
      expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, failed: 0 });
      const log = readLog(logFile);
      // A kill is a stall, never a spent attempt: every run is attempt 1 (no handler ever threw).
      expect(log.filter((l) => l.kind === 'run' && l.attempt !== 1)).toEqual([]);
      // The kills interrupted running jobs, which ran again with their stall counted.
      expect(log.some((l) => l.kind === 'run' && l.stalls > 0)).toBe(true);
    } finally {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
