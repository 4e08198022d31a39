import type { Instance, InstanceState } from './instance.js';

/** One row of the status table. */
export interface ProcessStatus {
  name: string;
  instance: number;
  pid: number | undefined;
  /** Pid of the orphan-guard shim around a command (undefined for modules and unguarded commands). */
  supervisorPid?: number;
  state: InstanceState;
  restarts: number;
  /** Since the current child started; 0 when not running. */
  uptimeMs: number;
  /** Resident memory (Linux /proc); undefined when not running or unknown. */
  memoryMb: number | undefined;
  lastExitCode: number | null | undefined;
  lastExitSignal: NodeJS.Signals | null | undefined;
}

/** Status row of one instance. */
export function statusOf(i: Instance, now = Date.now()): ProcessStatus {
  const running = i.pid !== undefined;
  const memory = running ? i.memoryMb() : undefined;
  return {
    name: i.def.name,
    instance: i.index,
    pid: i.pid,
    supervisorPid: i.supervisorPid,
    state: i.state,
    restarts: i.restarts,
    uptimeMs: running ? now - i.startedAt : 0,
    memoryMb: memory === undefined ? undefined : Math.round(memory * 10) / 10,
    lastExitCode: i.lastExit?.code,
    lastExitSignal: i.lastExit?.signal,
  };
}

const dash = (v: unknown) => (v === undefined || v === null ? '-' : String(v));

/** Render rows as an aligned text table (for CLIs and logs). */
export function formatStatusTable(rows: readonly ProcessStatus[]): string {
  const header = ['name', 'inst', 'pid', 'state', 'restarts', 'uptime', 'memory', 'last exit'];
  const body = rows.map((r) => [
    r.name,
    String(r.instance),
    dash(r.pid),
    r.state,
    String(r.restarts),
    r.uptimeMs > 0 ? `${(r.uptimeMs / 1000).toFixed(1)}s` : '-',
    r.memoryMb === undefined ? '-' : `${r.memoryMb} MB`,
    r.lastExitCode === undefined ? '-' : r.lastExitSignal ? `signal ${r.lastExitSignal}` : `code ${dash(r.lastExitCode)}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}
