import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Queue } from '../../runtime/queue.js';
import { Worker } from '../../runtime/worker.js';
import { until } from '../../testing/harness.js';
import { filesystemDriver } from './driver.js';

// Write-path regression suite: producers (one sequential producer, whose batches hold one job and are
// renamed into ready/, and 16 concurrent ones, whose batches are linked) are SIGKILLed right after
// pushes resolve. Every push the producer saw resolve must be in the queue, intact, exactly once, and
// no half-written batch may show up as a job.
const root = mkdtempSync(join(tmpdir(), 'ody-queue-durability-'));
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function confirmed(log: string): number[] {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  expect(lines.filter((l) => !l.startsWith('ok ')), 'no push was rejected').toEqual([]);
  return lines.map((l) => Number(l.split(' ')[1]));
}

async function killedProducer(queueName: string, inFlight: number, atLeast: number): Promise<number[]> {
  const log = join(root, `${queueName}.log`);
  const child = fork(join(import.meta.dirname, 'fixtures', 'confirming-producer.ts'), [root, queueName, log, '0', String(inFlight)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  await new Promise((r) => child.once('message', r));
  await until(`${atLeast} pushes confirmed`, () => existsSync(log) && readFileSync(log, 'utf8').split('\n').length > atLeast, 30_000, 2);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  children.delete(child);
  return confirmed(log);
}

async function drain(queueName: string): Promise<{ seen: number[]; failed: string[] }> {
  const driver = filesystemDriver({ dir: root });
  const queue = new Queue(queueName, { driver });
  const seen: number[] = [];
  const worker = new Worker<{ n: number; pad: string }>(queue, (job) => {
    expect(job.data.pad.length).toBe(1_000 + ((job.data.n * 137) % 1_500));
    seen.push(job.data.n);
  }, { concurrency: 8, waitMs: 100 });
  await until('queue drained', async () => {
    const c = await queue.counts();
    return c.waiting === 0 && c.active === 0 && c.delayed === 0;
  }, 30_000);
  await worker.close();
  const failed = (await queue.failed.list({ limit: 1_000 })).map((f) => `${f.reason}: ${f.errors.at(-1)?.message}`);
  await driver.close();
  return { seen, failed };
}

describe('filesystem driver: a resolved push survives its producer being SIGKILLed', () => {
  for (const [label, inFlight] of [['one sequential producer (batches of one, renamed)', 1], ['16 concurrent producers (group-committed batches, linked)', 16]] as const) {
    it(label, async () => {
      const name = `durable-c${inFlight}`;
      const ok = await killedProducer(name, inFlight, 60);
      expect(ok.length).toBeGreaterThanOrEqual(60);
      const { seen, failed } = await drain(name);
      expect(failed, 'no corrupt or half-written job').toEqual([]);
      expect(new Set(seen).size, 'each job delivered once').toBe(seen.length);
      const delivered = new Set(seen);
      expect(ok.filter((n) => !delivered.has(n)), 'confirmed pushes never delivered').toEqual([]);
      // Nothing of the killed writer remains but (at most) the tmp file of the batch it was writing.
      expect(readdirSync(join(root, name, 'tmp')).length).toBeLessThanOrEqual(1);
    }, 90_000);
  }
});
