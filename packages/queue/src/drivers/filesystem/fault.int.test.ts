import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Queue } from '../../runtime/queue.js';
import { Worker } from '../../runtime/worker.js';
import { until } from '../../testing/harness.js';
import { filesystemDriver } from './driver.js';
import { mountTmpfs } from './fixtures/tmpfs.js';

// Fault suite: producers SIGKILLed at random points while a tiny disk fills up. Whatever happens, a push
// that resolved is never lost and never half-written, and a push that rejected says why.
const disk = mountTmpfs('1m');
const logs = mkdtempSync(join(tmpdir(), 'ody-queue-fault-logs-'));
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});
afterAll(() => {
  disk?.unmount();
  rmSync(logs, { recursive: true, force: true });
});

function outcomes(log: string): { ok: number[]; err: string[] } {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return {
    ok: lines.filter((l) => l.startsWith('ok ')).map((l) => Number(l.split(' ')[1])),
    err: lines.filter((l) => l.startsWith('err ')).map((l) => l.split(' ')[2]!),
  };
}

describe.skipIf(disk === undefined)('filesystem driver fault suite (1 MiB tmpfs, SIGKILLed producers)', () => {
  it('producers killed mid-push while the disk fills: every confirmed push is delivered intact, rejections are typed', async () => {
    const root = join(disk!.dir, 'q');
    const filler = join(disk!.dir, 'filler');
    writeFileSync(filler, Buffer.alloc(192 * 1024)); // room for the consumer's acks once freed
    const rounds = 4;
    const logFiles: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const log = join(logs, `producer-${round}.log`);
      logFiles.push(log);
      const child = fork(join(import.meta.dirname, 'fixtures', 'confirming-producer.ts'), [root, 'fault', log, String(round * 1_000_000), '16'], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.add(child);
      await new Promise((r) => child.once('message', r));
      // Kill at a point that moves each round: after some confirmations, or once the disk refuses. The
      // last round always runs until the disk refuses, so every run sees a full disk (how many pushes fit
      // depends on the driver's file layout, not on this test).
      const last = round === rounds - 1;
      await until(`round ${round}: producer mid-stream`, () => {
        const o = outcomes(log);
        return o.err.length >= 10 || (!last && o.ok.length >= 40 + round * 25);
      }, 30_000, 5);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      children.delete(child);
    }
    const all = logFiles.map(outcomes);
    const confirmed = new Set(all.flatMap((o) => o.ok));
    const errors = all.flatMap((o) => o.err);
    expect(confirmed.size).toBeGreaterThan(100);
    expect(errors.length, 'the disk filled up during the rounds').toBeGreaterThan(0);
    expect(new Set(errors)).toEqual(new Set(['ODY_QUEUE_DISK_FULL']));

    rmSync(filler);
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue('fault', { driver });
    const seen = new Set<number>();
    const worker = new Worker<{ n: number; pad: string }>(queue, (job) => {
      expect(job.data.pad.length).toBe(1_000 + ((job.data.n * 137) % 1_500));
      seen.add(job.data.n);
    }, { concurrency: 8, waitMs: 100 });
    await until('queue drained', async () => {
      const c = await queue.counts();
      return c.waiting === 0 && c.active === 0 && c.delayed === 0;
    }, 30_000);
    await worker.close();
    const failed = await queue.failed.list({ limit: 1_000 });
    expect(failed.map((f) => `${f.reason}: ${f.errors.at(-1)?.message}`)).toEqual([]);
    const lost = [...confirmed].filter((n) => !seen.has(n));
    expect(lost, 'confirmed pushes never delivered').toEqual([]);
    await driver.close();
  }, 120_000);
});
