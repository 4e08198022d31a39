import { readFileSync } from 'node:fs';

/**
 * Is a pid alive? A zombie (dead, not yet reaped: this container's pid 1 is slow to reap orphans)
 * counts as gone. Linux only (/proc).
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
