import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Queue } from '../../runtime/queue.js';
import { Worker } from '../../runtime/worker.js';
import { sleep, until } from '../../testing/harness.js';
import { filesystemDriver } from './driver.js';

const root = mkdtempSync(join(tmpdir(), 'ody-queue-pause-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('filesystem driver: pause seen by another driver on the same directory', () => {
  it('a running worker on driver B stops taking jobs once driver A pauses, and resumes after A resumes', async () => {
    const a = filesystemDriver({ dir: root });
    const b = filesystemDriver({ dir: root });
    const producer = new Queue('shared', { driver: a });
    const consumer = new Queue('shared', { driver: b });
    const ran: number[] = [];
    const worker = new Worker<number>(consumer, (job) => {
      ran.push(job.data);
    }, { waitMs: 100 });
    await producer.push('j', 1);
    await until('first job ran', () => ran.length === 1);
    await producer.pause();
    await producer.push('j', 2);
    await sleep(300);
    expect(ran).toEqual([1]);
    expect(await consumer.isPaused()).toBe(true);
    await producer.resume();
    await until('second job ran after resume', () => ran.length === 2);
    expect(ran).toEqual([1, 2]);
    await worker.close();
    await a.close();
    await b.close();
  });
});
