import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../../errors.js';
import { Queue } from '../../runtime/queue.js';
import { Worker } from '../../runtime/worker.js';
import { until } from '../../testing/harness.js';
import { filesystemDriver } from './driver.js';

const root = mkdtempSync(join(tmpdir(), 'ody-queue-garbage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

describe('filesystem driver: non-regular files and garbage in every state directory', () => {
  it('a FIFO, a directory and a symlink in ready/ go to the failed store with a reason; the consumer never freezes', async () => {
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue('fifo', { driver });
    await queue.push('j', { before: true });
    const ready = join(root, 'fifo', 'ready');
    // Names that sort first (priority digits 0000000) and parse as job names, so the consumer opens them.
    mkfifo(join(ready, '00000000000000000000001.pipe.0.a.0.0'));
    mkdirSync(join(ready, '00000000000000000000002.dir.0.a.0.0'));
    symlinkSync('/etc/hostname', join(ready, '00000000000000000000003.link.0.a.0.0'));
    mkfifo(join(ready, 'garbage-fifo'));
    await queue.push('j', { after: true });
    const ran: unknown[] = [];
    const worker = new Worker(queue, (job) => {
      ran.push(job.data);
    }, { waitMs: 100 });
    await until('the good jobs ran and the rest failed', async () => {
      const c = await queue.counts();
      return c.completed === 2 && c.failed === 4;
    }, 10_000);
    await worker.close();
    expect(ran).toHaveLength(2);
    const failed = await queue.failed.list();
    expect(failed.every((f) => f.reason === 'corrupt')).toBe(true);
    const messages = failed.map((f) => f.errors.at(-1)?.message ?? '').join(' | ');
    expect(messages).toContain('a named pipe (FIFO)');
    expect(messages).toContain('a directory');
    expect(messages).toContain('a symbolic link');
    expect(messages).toContain("'garbage-fifo'");
    // The failed store can be purged whatever the entries are (a directory included).
    expect(await queue.failed.purge()).toBe(4);
    expect(readdirSync(join(root, 'fifo', 'failed'))).toEqual([]);
    expect(await queue.counts()).toMatchObject({ failed: 0, waiting: 0, active: 0 });
    await driver.close();
  });

  it('garbage in leased/, delayed/ and failed/ goes to the failed store and stops counting as active or delayed', async () => {
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue('junk', { driver });
    await queue.push('j', 1);
    const dir = join(root, 'junk');
    writeFileSync(join(dir, 'leased', 'stray.txt'), 'x');
    mkdirSync(join(dir, 'leased', 'stray-dir~1'));
    mkfifo(join(dir, 'delayed', 'stray-fifo'));
    writeFileSync(join(dir, 'failed', 'dropped-by-hand'), 'x');
    expect(await queue.counts()).toMatchObject({ active: 2, delayed: 1 });
    const worker = new Worker(queue, () => undefined, { waitMs: 100, recoverIntervalMs: 50 });
    await until('garbage moved to the failed store', async () => {
      const c = await queue.counts();
      return c.active === 0 && c.delayed === 0 && c.completed === 1 && (await queue.failed.list()).length === 4;
    }, 10_000);
    await worker.close();
    const failed = await queue.failed.list();
    expect(failed.map((f) => f.reason)).toEqual(['corrupt', 'corrupt', 'corrupt', 'corrupt']);
    const messages = failed.map((f) => f.errors.at(-1)?.message ?? '').join(' | ');
    for (const where of ['leased/', 'delayed/', 'failed/']) expect(messages).toContain(where);
    expect(await queue.failed.purge()).toBe(4);
    expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 1 });
    await driver.close();
  });

  it('a FIFO in ids/ or errors/ never blocks: the dedupe id is taken over, the failed store still lists the job', async () => {
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue('side', { driver });
    await queue.counts(); // creates the queue's directories
    const dir = join(root, 'side');
    mkfifo(join(dir, 'ids', 'dup'));
    expect(await queue.push('j', 1, { jobId: 'dup' })).toMatchObject({ id: 'dup', added: true });
    mkfifo(join(dir, 'errors', 'doomed.jsonl'));
    await queue.push('j', 2, { jobId: 'doomed' });
    const errors: unknown[] = [];
    const worker = new Worker(queue, (job) => {
      if (job.id === 'doomed') throw new UnrecoverableError('no');
    }, { waitMs: 100 });
    worker.on('error', (e) => errors.push(e));
    await until('both settled', async () => {
      const c = await queue.counts();
      return c.completed === 1 && c.failed === 1;
    }, 10_000);
    await worker.close();
    const [failed] = await queue.failed.list();
    expect(failed).toMatchObject({ id: 'doomed' });
    await driver.close();
  });

  it('a FIFO as completed.log fails with ODY_QUEUE_IO naming it, instead of freezing the process', async () => {
    const dir = join(root, 'countfifo');
    mkdirSync(dir, { recursive: true });
    mkfifo(join(dir, 'completed.log'));
    const driver = filesystemDriver({ dir: root });
    await expect(new Queue('countfifo', { driver }).counts()).rejects.toMatchObject({ code: 'ODY_QUEUE_IO', message: expect.stringContaining('completed.log') });
    await driver.close();
  });

  it('a directory left in tmp/ by a crashed writer is removed at start like a stray file', async () => {
    const d1 = filesystemDriver({ dir: root });
    await new Queue('tmpdir', { driver: d1 }).push('j', 1);
    await d1.close();
    const stray = join(root, 'tmpdir', 'tmp', 'stray-dir');
    mkdirSync(stray);
    writeFileSync(join(stray, 'f'), 'x');
    const old = new Date(Date.now() - 120_000);
    utimesSync(stray, old, old);
    const d2 = filesystemDriver({ dir: root });
    expect(await new Queue('tmpdir', { driver: d2 }).counts()).toMatchObject({ waiting: 1 });
    expect(readdirSync(join(root, 'tmpdir', 'tmp'))).toEqual([]);
    await d2.close();
  });

  it('a state directory replaced by a file: every call rejects with ODY_QUEUE_IO naming the call, never a raw fs error', async () => {
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue('nodir', { driver });
    await queue.push('j', 1);
    rmSync(join(root, 'nodir', 'leased'), { recursive: true });
    writeFileSync(join(root, 'nodir', 'leased'), 'not a directory');
    await expect(driver.claim('nodir', { max: 1, leaseMs: 1000, waitMs: 0 })).rejects.toMatchObject({ code: 'ODY_QUEUE_IO', message: expect.stringContaining('claim') });
    await expect(driver.recover('nodir', 3)).rejects.toMatchObject({ code: 'ODY_QUEUE_IO', message: expect.stringContaining('recover') });
    await expect(queue.counts()).rejects.toMatchObject({ code: 'ODY_QUEUE_IO', message: expect.stringContaining('counts') });
    await driver.close();
  });
});
