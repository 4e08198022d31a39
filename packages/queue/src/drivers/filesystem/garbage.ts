import { renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { JobError } from '../../contract/job.js';
import { timePrefixed } from './names.js';
import type { QueueDir } from './queue-dir.js';
import { appendRegular } from './safe-io.js';

/**
 * One rule for every state directory: an entry whose name is not one of ours (a file dropped by hand, a
 * directory, a FIFO) is garbage. It goes to the failed store with reason `corrupt` and a message saying
 * where it was found, so it never stays forever nor counts as waiting, active or delayed. Garbage in
 * ready/ reaches the same place through a claim (the record cannot be read).
 * Returns false when another process moved it first.
 */
export function moveGarbage(dir: QueueDir, from: string, name: string, where: string): boolean {
  const key = garbageKey(name);
  // Keep the name for the reader unless it is too long to carry a time prefix.
  const kept = Buffer.byteLength(name) > 200 ? key : name;
  try {
    renameSync(join(from, name), join(dir.failed, timePrefixed(Date.now(), kept)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const error: JobError & { reason: string } = {
    attempt: 1, name: 'QueueError', code: 'ODY_QUEUE_JOB_CORRUPT', at: Date.now(), reason: 'corrupt',
    message: `unrecognised file name '${name}' in ${where}/: not a job of this queue; moved to the failed store.`,
  };
  try {
    appendRegular(join(dir.errors, `${key}.jsonl`), `${JSON.stringify(error)}\n`);
  } catch {
    // The entry is in the failed store either way; its reason then defaults to `corrupt`.
  }
  return true;
}

/** The errors-file key of an entry whose name is not ours (the same one loadJob uses as its id). */
export function garbageKey(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || '_';
}

/** Remove any directory entry: a file, a FIFO, a socket, or a whole directory (EISDIR is not an excuse). */
export function removeEntry(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM') throw err;
    rmSync(path, { recursive: true, force: true });
  }
}
