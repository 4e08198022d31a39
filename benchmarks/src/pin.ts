/** CPU pinning with `taskset`: load generator on one core, server on another, when the machine allows. */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

let available: boolean | undefined;
let noted = false;

function note(why: string): void {
  if (noted) return;
  noted = true;
  console.log(`note: not pinning to cores (${why}); load generator and server share the CPUs, so prefer CPU-per-operation rows`);
}

/** Whether `taskset` runs here and the machine has at least two cores to split. */
export function canPin(): boolean {
  if (available === undefined) {
    const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    available = probe.status === 0 && availableParallelism() >= 2;
    if (!available) note(probe.error ? 'taskset is not installed' : availableParallelism() < 2 ? 'fewer than 2 cores' : 'taskset failed');
  }
  return available;
}

/**
 * The command and arguments that run `command args` pinned to `cpus` (taskset's list syntax, e.g. "0"
 * or "1-3"); unchanged, with a printed note, when taskset is missing or the machine has one core.
 */
export function pinned(cpus: string, command: string, args: readonly string[]): [string, string[]] {
  return canPin() ? ['taskset', ['-c', cpus, command, ...args]] : [command, [...args]];
}

/** Pin a running process (and its threads) to `cpus`; returns false, with a printed note, when it cannot. */
export function pinPid(pid: number, cpus: string): boolean {
  if (!canPin()) return false;
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  if (r.status !== 0) note(`taskset -p ${pid} failed`);
  return r.status === 0;
}
