import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';

/** One supervised process found in the OS process table. */
export interface ScannedProcess {
  name: string;
  instance: number;
  pid: number;
  /** Pid of the orphan-guard shim around a command, when there is one. */
  supervisorPid?: number;
  /** Alive; whether it reported ready is known only to its manager. */
  state: 'running';
  uptimeMs: number;
  memoryMb: number | undefined;
}

/** A process (the app, an `ody queue:work`) supervising children with @ody/process, seen from outside. */
export interface ScannedSupervisor {
  pid: number;
  /** Its command line, e.g. `node dist/main.js`. */
  command: string;
  processes: ScannedProcess[];
}

interface Proc {
  pid: number;
  /** The orphan-guard shim @ody/process puts around a command (its child is the command). */
  shim: boolean;
  ppid: number;
  name: string;
  instance: number;
  cwd: string | undefined;
  startTicks: number;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone, or another user's process
  }
};

/** @ody/process gives every child ODY_PROCESS_NAME and ODY_PROCESS_INSTANCE in its environment. */
function supervised(pid: number): Proc | undefined {
  const environ = read(`/proc/${pid}/environ`);
  if (environ === undefined || !environ.includes('ODY_PROCESS_NAME=')) return undefined;
  const env = new Map(environ.split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
  const name = env.get('ODY_PROCESS_NAME');
  const instance = Number(env.get('ODY_PROCESS_INSTANCE'));
  const stat = read(`/proc/${pid}/stat`);
  if (name === undefined || !Number.isInteger(instance) || stat === undefined) return undefined;
  // Fields after the command name (which may hold spaces): state ppid … starttime is field 22.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let cwd: string | undefined;
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {}
  const shim = (read(`/proc/${pid}/cmdline`) ?? '').includes('command-shim');
  return { pid, shim, ppid: Number(fields[1]), name, instance, cwd, startTicks: Number(fields[19]) };
}

const within = (dir: string | undefined, root: string) => dir !== undefined && (dir === root || dir.startsWith(root + sep));

/**
 * Every process supervised by @ody/process (the app's `processPlugin`, `ody queue:work`, nested ones)
 * whose supervisor or itself runs in `root`, grouped by supervisor: read from /proc (Linux; elsewhere
 * none are found). Restarts and exit codes live only in the supervising manager, so they are not here.
 */
export function scanSupervised(root: string, now = Date.now()): ScannedSupervisor[] {
  if (!existsSync('/proc/self/environ')) return [];
  let realRoot = root;
  try {
    realRoot = realpathSync(root);
  } catch {}
  const bootMs = Number(/^btime (\d+)$/m.exec(read('/proc/stat') ?? '')?.[1] ?? 0) * 1000;
  const ticksPerSecond = 100; // USER_HZ: 100 on every Linux ABI Node runs on
  const found = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const p = supervised(pid);
    if (p !== undefined) found.set(pid, p);
  }
  const bySupervisor = new Map<number, ScannedProcess[]>();
  for (const p of found.values()) {
    // A guarded command and its shim: one row with the command's pid, supervised by the shim's parent.
    if (p.shim) continue;
    const parent = found.get(p.ppid);
    const shim = parent?.shim === true ? parent : undefined;
    const supervisorPid = shim?.ppid ?? p.ppid;
    const supervisorCwd = (() => {
      try {
        return readlinkSync(`/proc/${supervisorPid}/cwd`);
      } catch {
        return undefined;
      }
    })();
    if (!within(p.cwd, realRoot) && !within(supervisorCwd, realRoot)) continue;
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(read(`/proc/${p.pid}/status`) ?? '')?.[1];
    const row: ScannedProcess = {
      name: p.name,
      instance: p.instance,
      pid: p.pid,
      ...(shim ? { supervisorPid: shim.pid } : {}),
      state: 'running',
      uptimeMs: bootMs > 0 ? Math.max(0, now - (bootMs + (p.startTicks / ticksPerSecond) * 1000)) : 0,
      memoryMb: rss === undefined ? undefined : Math.round((Number(rss) / 1024) * 10) / 10,
    };
    bySupervisor.set(supervisorPid, [...(bySupervisor.get(supervisorPid) ?? []), row]);
  }
  return [...bySupervisor.entries()]
    .map(([pid, processes]) => ({
      pid,
      command: (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ').slice(0, 120) || `pid ${pid}`,
      processes: processes.sort((a, b) => a.name.localeCompare(b.name) || a.instance - b.instance),
    }))
    .sort((a, b) => a.pid - b.pid);
}
