import { readFileSync } from 'node:fs';

/** Resident memory of a process in MB, from /proc (Linux); undefined where unavailable. */
export function residentMemoryMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}
