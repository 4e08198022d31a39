import { closeSync, openSync, readdirSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { removeEntry } from './garbage.js';
import { isNotRegular, readRegular } from './safe-io.js';
import { join } from 'node:path';
import type { QueueDir } from './queue-dir.js';

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function liveFileExists(dir: QueueDir, key: string): boolean {
  const needle = `.${key}.`;
  return [dir.ready, dir.leased, dir.completing, dir.delayed].some((d) => readdirSync(d).some((n) => n.includes(needle)));
}

/**
 * Take the dedupe marker `ids/<key>` (exclusive create, content = our pid). Returns false when a
 * live job holds it. A marker left by a crashed writer (dead pid, or old and with no job file)
 * is taken over, so a crash never blocks an id forever.
 */
export function takeMarker(dir: QueueDir, key: string): boolean {
  const path = join(dir.ids, key);
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  let pid = 0;
  let age = 0;
  try {
    pid = Number(readRegular(path)) || 0;
    age = Date.now() - statSync(path).mtimeMs;
  } catch (err) {
    // Not a marker of ours (a FIFO, a directory): garbage; remove it and take the id.
    if (isNotRegular(err)) removeEntry(path);
    return takeMarker(dir, key); // removed meanwhile (or just now): try again
  }
  // A young marker of a live process may belong to a push still being written: trust it.
  if (pid > 0 && processAlive(pid) && age < 5_000) return false;
  if (liveFileExists(dir, key)) return false;
  writeFileSync(path, String(process.pid));
  return true;
}

/** Release a dedupe marker (job completed or failed). */
export function dropMarker(dir: QueueDir, key: string): void {
  try {
    unlinkSync(join(dir.ids, key));
  } catch {
    // not a dedupe job, or already gone
  }
}
