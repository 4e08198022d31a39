import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EventSourcingError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the directory for this process: a `LOCK` file with our pid. A lock left by a dead process
 * (SIGKILL) is taken over; a live holder makes open fail with ODY_EVENTSOURCING_STORE_LOCKED.
 */
export function acquireLock(dir: string): () => void {
  const file = join(dir, 'LOCK');
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw new EventSourcingError('ODY_EVENTSOURCING_STORE_LOCKED', `Event store directory ${dir} is in use by process ${holder}; one process writes a file store at a time.`, {
        details: { dir, pid: holder },
      });
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}
