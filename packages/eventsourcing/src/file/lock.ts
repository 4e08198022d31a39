import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { EventSourcingError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When this process started (ms since epoch); the same in every thread of the process. */
const processStartedAt = () => Math.round(Date.now() - process.uptime() * 1000);

interface Holder {
  pid: number;
  threadId?: number;
  startedAt?: number;
}

function readHolder(file: string): Holder | undefined {
  const text = readFileSync(file, 'utf8').trim();
  if (/^\d+$/.test(text)) return { pid: Number(text) }; // a lock written before threads were recorded
  try {
    const h = JSON.parse(text) as Holder;
    return Number.isInteger(h.pid) && h.pid > 0 ? h : undefined;
  } catch {
    return undefined; // torn write of a crashed opener: stale
  }
}

/**
 * Why `holder` still owns the directory, or undefined when the lock is stale: another live process,
 * or another thread of this process (HTTP worker threads each build an Application; two writers in
 * one process would interleave segments). A lock with our pid from an earlier process (a container
 * restarted as pid 1) is stale: its process started at another time.
 */
function heldBy(holder: Holder): string | undefined {
  if (holder.pid !== process.pid) return alive(holder.pid) ? `process ${holder.pid}` : undefined;
  const sameProcess = holder.startedAt !== undefined && Math.abs(holder.startedAt - processStartedAt()) < 1_000;
  if (sameProcess && holder.threadId !== undefined && holder.threadId !== threadId) return `thread ${holder.threadId} of this process`;
  return undefined;
}

/**
 * Take the directory for this process and thread: a `LOCK` file with our pid, thread id and process
 * start time. A lock left by a dead process (SIGKILL) is taken over; a live holder — another process
 * or another thread of this one — makes open fail with ODY_EVENTSOURCING_STORE_LOCKED.
 */
export function acquireLock(dir: string): () => void {
  const file = join(dir, 'LOCK');
  const mine = JSON.stringify({ pid: process.pid, threadId, startedAt: processStartedAt() });
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, mine);
    closeSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = readHolder(file);
    const by = holder === undefined ? undefined : heldBy(holder);
    if (by !== undefined) {
      throw new EventSourcingError(
        'ODY_EVENTSOURCING_STORE_LOCKED',
        `Event store directory ${dir} is in use by ${by}; one process (and one thread) writes a file store at a time — share PostgreSQL or Redis between workers.`,
        { details: { dir, pid: holder?.pid, threadId: holder?.threadId } },
      );
    }
    writeFileSync(file, mine);
  }
  return () => rmSync(file, { force: true });
}

/**
 * Who writes the file event store in `dir` now (`'process 123'`, `'thread 2 of this process'`), or
 * undefined when no live process or other thread holds it: an app can leave the store to that writer
 * instead of failing with ODY_EVENTSOURCING_STORE_LOCKED.
 */
export function fileEventStoreHolder(dir: string): string | undefined {
  let holder: Holder | undefined;
  try {
    holder = readHolder(join(dir, 'LOCK'));
  } catch {
    return undefined; // no LOCK file: nobody holds it
  }
  return holder === undefined ? undefined : heldBy(holder);
}
