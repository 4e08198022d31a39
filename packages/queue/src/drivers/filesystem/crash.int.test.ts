import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Queue } from '../../runtime/queue.js';
import { Worker } from '../../runtime/worker.js';
import { until } from '../../testing/harness.js';
import { completionRecord } from './completion.js';
import { filesystemDriver } from './driver.js';

const root = mkdtempSync(join(tmpdir(), 'ody-queue-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('filesystem driver: damaged files and crash leftovers', () => {
  it('sends a truncated file and an unrecognised file in ready/ to the failed store with a reason; good jobs still run', async () => {
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue('damaged', { driver });
    const { id: truncatedId } = await queue.push('j', { text: 'x'.repeat(200) });
    const [file] = readdirSync(join(root, 'damaged', 'ready'));
    truncateSync(join(root, 'damaged', 'ready', file!), 30);
    writeFileSync(join(root, 'damaged', 'ready', 'garbage.txt'), 'not a job');
    await queue.push('j', { ok: true });
    const ran: unknown[] = [];
    const worker = new Worker(queue, (job) => {
      ran.push(job.data);
    });
    await until('2 failed, 1 done', async () => {
      const c = await queue.counts();
      return c.failed === 2 && c.completed === 1;
    });
    expect(ran).toEqual([{ ok: true }]);
    const failed = await queue.failed.list();
    expect(failed.map((f) => f.reason)).toEqual(['corrupt', 'corrupt']);
    const messages = failed.map((f) => f.errors.at(-1)?.message ?? '').join(' | ');
    expect(messages).toContain('truncated');
    expect(messages).toContain("unrecognised file name 'garbage.txt'");
    expect(failed.every((f) => f.errors.at(-1)?.code === 'ODY_QUEUE_JOB_CORRUPT')).toBe(true);
    expect(failed.some((f) => f.name === '?')).toBe(true);
    expect(truncatedId).toBeTypeOf('string');
    await worker.close();
    await driver.close();
  });

  it('removes stray tmp files of crashed writers at start and never shows them as jobs', async () => {
    const tmp = join(root, 'leftovers', 'tmp');
    const d1 = filesystemDriver({ dir: root });
    const queue1 = new Queue('leftovers', { driver: d1 });
    await queue1.push('j', 1);
    await d1.close();
    writeFileSync(join(tmp, 'crashed-writer'), '{"id":"half');
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(join(tmp, 'crashed-writer'), old, old);
    writeFileSync(join(tmp, 'live-writer'), 'in progress');
    const d2 = filesystemDriver({ dir: root });
    const queue2 = new Queue('leftovers', { driver: d2 });
    expect(await queue2.counts()).toMatchObject({ waiting: 1 });
    expect(readdirSync(tmp)).toEqual(['live-writer']);
    await d2.close();
  });

  it('a job pushed by one driver instance is picked up by another instance watching the directory', async () => {
    const consumerDriver = filesystemDriver({ dir: root, pollMs: 60_000 });
    const producerDriver = filesystemDriver({ dir: root });
    const consumer = new Queue('watch', { driver: consumerDriver });
    const producer = new Queue('watch', { driver: producerDriver });
    const got: unknown[] = [];
    const worker = new Worker(consumer, (job) => {
      got.push(job.data);
    }, { waitMs: 60_000 });
    await new Promise((r) => setTimeout(r, 100));
    await producer.push('j', 'hello');
    await until('picked up through fs.watch', () => got.length === 1, 5_000);
    await worker.close();
    await consumerDriver.close();
    await producerDriver.close();
  });

  it('jobs left in completing/ by a dead process are counted exactly once; a live owner\'s are left alone', async () => {
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue('orphans', { driver });
    await queue.pushBulk([1, 2, 3].map((n) => ({ name: 'j', payload: n })));
    const claimed = await driver.claim('orphans', { max: 3, leaseMs: 60_000, waitMs: 0 });
    expect(claimed).toHaveLength(3);
    const dir = join(root, 'orphans');
    const [a, b, c] = readdirSync(join(dir, 'leased'));
    // A pid that surely belongs to no process any more: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!.toString(36);
    // a: died after the rename, before counting. b: died after counting, before the unlink.
    renameSync(join(dir, 'leased', a!), join(dir, 'completing', `${a}!${dead}`));
    renameSync(join(dir, 'leased', b!), join(dir, 'completing', `${b}!${dead}`));
    appendFileSync(join(dir, 'completed.log'), completionRecord(b!));
    // c: its owner (this process's parent, alive) is in the middle of completing it.
    renameSync(join(dir, 'leased', c!), join(dir, 'completing', `${c}!${process.ppid.toString(36)}`));
    expect((await queue.counts()).completed).toBe(1);
    await driver.recover('orphans', 5);
    expect((await queue.counts()).completed).toBe(2);
    expect(readdirSync(join(dir, 'completing'))).toEqual([`${c}!${process.ppid.toString(36)}`]);
    // A second reaper finds nothing more to count.
    await driver.recover('orphans', 5);
    expect(await queue.counts()).toMatchObject({ completed: 2, active: 0, waiting: 0, failed: 0 });
    await driver.close();
  });
});
