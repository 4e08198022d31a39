import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessManager, type ProcessManager } from './index.js';
import { alive, fixture, record, until } from './fixtures/helpers.js';

let pm: ProcessManager | undefined;
afterEach(async () => {
  await pm?.close();
  pm = undefined;
});

const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

describe('orphan guard for commands', () => {
  it('commands exit when the manager is SIGKILLed; one ignoring SIGTERM is SIGKILLed after stopTimeoutMs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-guard-'));
    const mark = join(dir, 'mark');
    const manager = spawn(process.execPath, ['--import', 'tsx', fixture('manager.ts'), 'guarded'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, MARK_FILE: mark },
    });
    let out = '';
    manager.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    let pids: number[] = [];
    try {
      await until(() => out.includes('"pids"'), 'the manager to report its children', 30_000);
      const report = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as { pids: number[]; supervisors: number[] };
      pids = report.pids;
      expect(pids).toHaveLength(3);
      expect(pids.every(alive)).toBe(true);
      // The status pid is the command's own, not its shim's.
      expect(report.supervisors.every((s, i) => typeof s === 'number' && s !== pids[i])).toBe(true);
      expect(readFileSync(`/proc/${pids[0]}/comm`, 'utf8').trim()).toBe('sleep');
      await until(() => existsSync(mark) && readFileSync(mark, 'utf8').includes(`ready ${pids[2]}`), 'the stubborn command to install its SIGTERM handler');
      manager.kill('SIGKILL');
      await until(() => !pids.some(alive) && !report.supervisors.some(alive), 'every command and shim to exit after losing the manager');
      expect(pids.filter(alive)).toEqual([]);
      // The stubborn one got SIGTERM, ignored it, and was still taken down (SIGKILL after stopTimeoutMs).
      expect(readFileSync(mark, 'utf8')).toContain(`SIGTERM ${pids[2]}`);
    } finally {
      manager.kill('SIGKILL');
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a command's exit code and signal drive restart policies and the status table", async () => {
    pm = createProcessManager({
      processes: [
        { name: 'fails', ...node('process.exit(3)'), restart: 'on-failure', maxRestarts: 1, backoff: 10, output: { logger: false } },
        { name: 'clean', ...node('process.exit(0)'), restart: 'on-failure', output: { logger: false } },
        { name: 'signalled', ...node("process.kill(process.pid, 'SIGTERM')"), restart: 'never', output: { logger: false } },
      ],
    });
    const exited = record(pm, 'exited');
    const errored = record(pm, 'errored');
    await pm.start().catch(() => undefined);
    await until(() => errored.length === 1 && pm!.status().filter((s) => s.state === 'exited').length === 2, 'every command to settle');
    expect(exited.filter((e) => e.name === 'fails').map((e) => [e.code, e.signal])).toEqual([
      [3, null],
      [3, null],
    ]);
    expect(pm.status().map((s) => [s.name, s.state, s.lastExitCode, s.lastExitSignal, s.restarts])).toEqual([
      ['fails', 'errored', 3, null, 1],
      ['clean', 'exited', 0, null, 0],
      ['signalled', 'exited', null, 'SIGTERM', 0],
    ]);
  });

  it('captures command output with the name prefix, reports the command pid, and stops with SIGKILL escalation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-guard-'));
    const file = join(dir, 'out.log');
    try {
      pm = createProcessManager({
        processes: [
          { name: 'talk', ...node("console.log('pid', process.pid); console.error('on stderr'); setInterval(() => {}, 1000)"), output: { logger: false, file } },
          { name: 'stubborn', command: process.execPath, args: [fixture('stubborn-command.mjs')], stopTimeoutMs: 300, output: { logger: false, file } },
        ],
      });
      const exited = record(pm, 'exited');
      await pm.start();
      const [talk, stubborn] = pm.status();
      await until(() => existsSync(file) && ((text) => text.includes('on stderr') && /stubborn \d+/.test(text))(readFileSync(file, 'utf8')), 'output lines in the file');
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toContain(`[talk#0] pid ${talk!.pid}`);
      expect(lines).toContain('[talk#0] on stderr');
      expect(lines).toContain(`[stubborn#0] stubborn ${stubborn!.pid}`);
      expect(talk!.supervisorPid).not.toBe(talk!.pid);
      await pm.stop();
      expect(Object.fromEntries(exited.map((e) => [e.name, [e.pid, e.signal]]))).toEqual({
        talk: [talk!.pid, 'SIGTERM'],
        stubborn: [stubborn!.pid, 'SIGKILL'],
      });
      expect([talk!.pid!, talk!.supervisorPid!, stubborn!.pid!, stubborn!.supervisorPid!].some(alive)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("maxMemoryMb measures the command's memory, not the shim's", async () => {
    pm = createProcessManager({
      processes: [
        {
          name: 'hog',
          ...node('const hog = []; for (let i = 0; i < 150; i++) hog.push(Buffer.alloc(1024 * 1024, 1)); setInterval(() => hog.length, 1000)'),
          maxMemoryMb: 120,
          memoryCheckIntervalMs: 100,
          output: { logger: false },
        },
      ],
    });
    const exceeded = record(pm, 'memory-exceeded');
    await pm.start();
    const first = pm.status()[0]!.pid;
    await until(() => exceeded.length >= 1, 'the memory limit to trip');
    expect(exceeded[0]).toMatchObject({ name: 'hog', pid: first });
    expect(exceeded[0]!.rssMb).toBeGreaterThan(120);
    await until(() => pm!.status()[0]!.restarts >= 1, 'a memory restart');
  });

  it('orphanGuard: false spawns the command directly', async () => {
    pm = createProcessManager({ processes: [{ name: 'bare', command: 'sleep', args: ['30'], orphanGuard: false, output: { logger: false } }] });
    await pm.start();
    const [row] = pm.status();
    expect(row!.supervisorPid).toBeUndefined();
    expect(readFileSync(`/proc/${row!.pid}/comm`, 'utf8').trim()).toBe('sleep');
    await pm.stop();
    expect(pm.status()[0]).toMatchObject({ state: 'stopped', lastExitSignal: 'SIGTERM' });
  });
});
