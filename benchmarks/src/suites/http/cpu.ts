import { readFileSync } from 'node:fs';

// Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every mainstream kernel config.
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, or undefined where /proc is missing. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // comm may contain spaces
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
  } catch {
    return undefined;
  }
}

/**
 * Server CPU microseconds per request during one load sample. Unlike req/s, this barely moves when
 * other processes compete for the cores, so it is the steadier number on a shared machine.
 */
export function cpuMicrosPerRequest(before: number | undefined, after: number | undefined, requests: number): number | undefined {
  if (before === undefined || after === undefined || !(requests > 0)) return undefined;
  return ((after - before) * 1e6) / requests;
}
