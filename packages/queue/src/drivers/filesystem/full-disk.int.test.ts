import { closeSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QueueError } from '../../errors.js';
import { Queue } from '../../runtime/queue.js';
import { Worker } from '../../runtime/worker.js';
import { until } from '../../testing/harness.js';
import { filesystemDriver } from './driver.js';
import { mountTmpfs } from './fixtures/tmpfs.js';

// A real full disk: a 2 MiB tmpfs. Skipped with a visible line where mounting is not allowed.
const disk = mountTmpfs('2m');
afterAll(() => disk?.unmount());

/** Payloads of varied size, so batches end mid-page and the disk fills in the middle of a write (a short write). */
const pad = (k: number) => 'x'.repeat(1_500 + ((k * 137) % 2_000));

describe.skipIf(disk === undefined)('filesystem driver on a full disk (2 MiB tmpfs)', () => {
  it('rejects every push that hits ENOSPC with ODY_QUEUE_DISK_FULL, shows nothing of it, and loses no confirmed push', async () => {
    const root = join(disk!.dir, 'push');
    const filler = join(disk!.dir, 'filler');
    writeFileSync(filler, Buffer.alloc(256 * 1024)); // freed later so consumers have room for their acks
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue('full', { driver });
    const confirmed = new Set<number>();
    const errors: unknown[] = [];
    let n = 0;
    let fullRounds = 0;
    // Rounds of 8 concurrent pushes (group commit batches them) plus one 4-job pushBulk, until the disk refuses whole rounds.
    while (fullRounds < 3 && n < 20_000) {
      const singles = Array.from({ length: 8 }, () => {
        const k = n++;
        return queue.push('j', { k, pad: pad(k) }).then(() => [k]);
      });
      const bulkKeys = [n++, n++, n++, n++];
      const bulk = queue.pushBulk(bulkKeys.map((k) => ({ name: 'j', payload: { k, pad: pad(k) } }))).then(() => bulkKeys);
      const settled = await Promise.allSettled([...singles, bulk]);
      let anyOk = false;
      for (const s of settled) {
        if (s.status === 'fulfilled') {
          for (const k of s.value) confirmed.add(k);
          anyOk = true;
        } else errors.push(s.reason);
      }
      fullRounds = anyOk ? 0 : fullRounds + 1;
    }
    expect(errors.length).toBeGreaterThan(0);
    expect(confirmed.size).toBeGreaterThan(50);
    for (const err of errors) {
      expect(err).toBeInstanceOf(QueueError);
      expect((err as QueueError).code).toBe('ODY_QUEUE_DISK_FULL');
    }
    // Nothing half-visible: exactly one ready file per confirmed job, no batch file left behind.
    expect(readdirSync(join(root, 'full', 'tmp'))).toEqual([]);
    expect(readdirSync(join(root, 'full', 'ready')).length).toBe(confirmed.size);

    rmSync(filler);
    const seen = new Set<number>();
    const worker = new Worker<{ k: number }>(queue, (job) => {
      seen.add(job.data.k);
    }, { concurrency: 8 });
    await until('every confirmed job handled or failed', async () => {
      const c = await queue.counts();
      return c.completed + c.failed >= confirmed.size && c.waiting === 0 && c.active === 0;
    }, 20_000);
    await worker.close();
    const failed = await queue.failed.list({ limit: 1_000 });
    expect(failed.map((f) => `${f.reason}: ${f.errors.at(-1)?.message}`)).toEqual([]);
    expect([...seen].sort((a, b) => a - b)).toEqual([...confirmed].sort((a, b) => a - b));
    expect((await queue.counts()).completed).toBe(confirmed.size);
    await driver.close();
  });
});

describe.skipIf(disk === undefined)('filesystem driver: an ack on a full disk', () => {
  it('an ack that cannot be counted is refused with ODY_QUEUE_DISK_FULL; the job stays and is redelivered, the count is exact', async () => {
    const root = join(disk!.dir, 'ack');
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue('acks', { driver });
    // Two jobs of one batch share an inode: removing one of them frees no space on the full disk.
    await queue.pushBulk([{ name: 'j', payload: { k: 1 } }, { name: 'j', payload: { k: 2 } }]);
    // One full page of completed.log (256 records of 16 bytes), so the next record needs a new page of the full disk.
    const log = join(root, 'acks', 'completed.log');
    writeFileSync(log, Buffer.alloc(4096, 49));
    const before = (await queue.counts()).completed;
    expect(before).toBe(256);
    const fill = join(disk!.dir, 'fill');
    fillDisk(fill);

    const errors: unknown[] = [];
    let runs = 0;
    const worker = new Worker(queue, () => {
      runs++;
    }, { leaseMs: 300, recoverIntervalMs: 50, waitMs: 100 });
    worker.on('error', (e) => errors.push(e));
    await until('the ack was refused', () => errors.length >= 1, 10_000);
    expect((errors[0] as QueueError).code).toBe('ODY_QUEUE_DISK_FULL');
    expect(await queue.counts()).toMatchObject({ completed: before, failed: 0 });
    rmSync(fill);
    await until('redelivered and completed once the disk has room', async () => (await queue.counts()).completed === before + 2, 10_000);
    await worker.close();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, completed: before + 2, failed: 0 });
    await driver.close();
  });
});

/** Write zeros to `path` until the disk refuses (ENOSPC). */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      try {
        if (writeSync(fd, chunk) === 0) return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return;
        throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
}
