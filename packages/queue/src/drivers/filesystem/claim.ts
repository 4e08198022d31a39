import { renameSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { ClaimOptions } from '../../contract/driver.js';
import type { ClaimedJob } from '../../contract/job.js';
import { formatName, leasedName, parseName, splitTimePrefixed } from './names.js';
import type { QueueDir } from './queue-dir.js';
import { loadJob } from './read.js';

/** True when a rename lost the race (another consumer took the file first). */
export function gone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT';
}

/** Move due delayed jobs to ready/ (any process may do it; the rename lets exactly one win). Returns ms until the next. */
export function promoteDelayed(dir: QueueDir, now: number): number {
  dir.refreshDelayed();
  let n = 0;
  const names = dir.delayedNames;
  while (n < names.length) {
    const split = splitTimePrefixed(names[n]!)!;
    if (split.time > now) break;
    n++;
    const parsed = parseName(split.name);
    // Promoted jobs keep priority and counters but take "now" as their order time.
    const target = parsed === undefined ? split.name : formatName({ ...parsed, time: now });
    try {
      renameSync(join(dir.delayed, names[n - 1]!), join(dir.ready, target));
      dir.candidates.add(target);
    } catch (err) {
      if (!gone(err)) throw err;
    }
  }
  if (n > 0) names.splice(0, n);
  const next = names[0];
  return next === undefined ? Number.POSITIVE_INFINITY : splitTimePrefixed(next)!.time - now;
}

/** Claim by atomic rename ready/<name> → leased/<name>~<expiry>: exactly one consumer on the host wins. */
export function takeReady(dir: QueueDir, o: ClaimOptions, now: number): ClaimedJob[] {
  const out: ClaimedJob[] = [];
  const expiry = now + o.leaseMs;
  const readyPrefix = dir.ready + sep;
  const leasedPrefix = dir.leased + sep;
  while (out.length < o.max) {
    const name = dir.candidates.shift();
    if (name === undefined) break;
    const lease = leasedName(name, expiry);
    const path = leasedPrefix + lease;
    try {
      renameSync(readyPrefix + name, path);
    } catch (err) {
      if (gone(err)) continue;
      throw err;
    }
    dir.candidates.noteTaken(name);
    dir.leases.set(lease, lease);
    out.push(loadJob(path, name, lease, dir.errors));
  }
  return out;
}
