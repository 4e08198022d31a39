import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatStatusTable, type ProcessManager, type ProcessStatus } from '@ody/process';

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

/** The text `ody process:status` prints for `supervisors`. */
export function formatStatus(supervisors: readonly SupervisorStatus[]): string {
  if (supervisors.length === 0) return 'no supervised processes running (ody queue:work publishes its workers here)';
  return supervisors.map((s) => `${s.command} (supervisor pid ${s.pid})\n${formatStatusTable(s.processes)}`).join('\n\n');
}
