import { readdirSync, readFileSync } from 'node:fs';

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

const OWNER = 'ODY_TEST_OWNER_PID';

/**
 * The environment for a server a test starts: it names the test process as its owner, so that
 * `reapOrphans()` can kill the server once that process is gone (a worker killed by a timeout or a
 * signal runs no exit hook, and detached brokers would otherwise live on).
 */
export function ownedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, [OWNER]: String(process.pid) };
}

/** SIGKILL every process started with `ownedEnv()` whose owner is dead. Returns how many it killed. Linux only. */
export function reapOrphans(): number {
  let killed = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  const marker = `${OWNER}=`;
  for (const p of pids) {
    let environ: string;
    try {
      environ = readFileSync(`/proc/${p}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    const entry = environ.split('\0').find((e) => e.startsWith(marker));
    if (entry === undefined) continue;
    const owner = Number(entry.slice(marker.length));
    if (!Number.isInteger(owner) || owner === process.pid || alive(owner)) continue;
    try {
      process.kill(Number(p), 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}
