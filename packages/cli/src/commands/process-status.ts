import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatStatusTable, type ProcessManager, type ProcessStatus } from '@ody/process';
import { formatTable } from './routes.js';
import { type ScannedSupervisor, scanSupervised } from './process-scan.js';

/** Where supervisors ody runs publish their status (one JSON file per supervisor pid). */
export const statusDir = (root: string) => join(root, 'var', 'ody', 'processes');

/** One supervisor's published status. */
export interface SupervisorStatus {
  /** Pid of the supervising process (e.g. `ody queue:work`). */
  pid: number;
  /** What it runs, e.g. `queue:work mail`. */
  command: string;
  /** Epoch ms of the snapshot. */
  updatedAt: number;
  processes: ProcessStatus[];
}

/**
 * Publish `manager`'s status for `ody process:status`: written at once, on every lifecycle event and
 * every `everyMs`; the returned function stops and removes the file.
 */
export function publishStatus(root: string, command: string, manager: ProcessManager, everyMs = 1_000): () => void {
  const dir = statusDir(root);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}.json`);
  const write = () => {
    const snapshot: SupervisorStatus = { pid: process.pid, command, updatedAt: Date.now(), processes: manager.status() };
    writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
    renameSync(`${file}.tmp`, file);
  };
  write();
  const offs = (['started', 'ready', 'exited', 'restarting', 'errored', 'stopped'] as const).map((e) => manager.on(e, write));
  const timer = setInterval(write, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const off of offs) off();
    rmSync(file, { force: true });
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The status every live supervisor of this app published (files of dead supervisors are removed). */
export function readStatus(root: string, now = Date.now()): SupervisorStatus[] {
  let files: string[];
  try {
    files = readdirSync(statusDir(root)).filter((f) => /^\d+\.json$/.test(f));
  } catch {
    return [];
  }
  const out: SupervisorStatus[] = [];
  for (const f of files) {
    const path = join(statusDir(root), f);
    let s: SupervisorStatus;
    try {
      s = JSON.parse(readFileSync(path, 'utf8')) as SupervisorStatus;
    } catch {
      continue; // being replaced right now
    }
    if (!alive(s.pid)) {
      rmSync(path, { force: true });
      continue;
    }
    const age = Math.max(0, now - s.updatedAt);
    out.push({ ...s, processes: s.processes.map((p) => ({ ...p, uptimeMs: p.pid === undefined ? 0 : p.uptimeMs + age })) });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** What `ody process:status` shows: the supervisors ody runs (full status) and every other one found. */
export interface AppProcesses {
  /** `ody queue:work` supervisors: state, restarts and last exit from their manager. */
  published: SupervisorStatus[];
  /** Every other process supervising @ody/process children for this app (its `processPlugin`), from the OS process table. */
  scanned: ScannedSupervisor[];
}

/** Every supervised process of the app in `root`: published by ody's supervisors, else found in /proc. */
export function appProcesses(root: string, now = Date.now()): AppProcesses {
  const published = readStatus(root, now);
  const scanned = scanSupervised(root, now).filter((s) => !published.some((p) => p.pid === s.pid));
  return { published, scanned };
}

const seconds = (ms: number) => (ms > 0 ? `${(ms / 1000).toFixed(1)}s` : '-');

/** The text `ody process:status` prints. */
export function formatStatus({ published, scanned }: AppProcesses): string {
  if (published.length === 0 && scanned.length === 0) return 'no supervised processes running for this app';
  return [
    ...published.map((s) => `${s.command} (supervisor pid ${s.pid})\n${formatStatusTable(s.processes)}`),
    ...scanned.map(
      (s) =>
        `${s.command} (supervisor pid ${s.pid}; from the process table: restarts and exits are known to its own manager)\n${formatTable(
          ['name', 'inst', 'pid', 'state', 'uptime', 'memory'],
          s.processes.map((p) => [p.name, String(p.instance), String(p.pid), p.state, seconds(p.uptimeMs), p.memoryMb === undefined ? '-' : `${p.memoryMb} MB`]),
        )}`,
    ),
  ].join('\n\n');
}
