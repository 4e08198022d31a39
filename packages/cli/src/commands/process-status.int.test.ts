import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../../test-support/wait.js';
import { ody, scaffoldApp, tsxLoader } from '../testing/scaffolded.js';

type Status = { supervisors: Array<{ pid: number; source: string; command: string; processes: Array<{ name: string; instance: number; pid: number; state: string }> }> };

// The worker template supervises a `clock` process itself (processPlugin), without ody: process:status
// still sees it, follows a restart, and forgets it when the app stops.
describe('ody process:status sees the processes an app supervises itself', () => {
  let app: string;
  let server: ChildProcess | undefined;
  beforeAll(() => {
    app = scaffoldApp('worker', 'process-status', 'svc');
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(join(app, '..'), { recursive: true, force: true });
  });

  const status = async (): Promise<Status> => {
    const out = await ody(app, ['--json', 'process:status']);
    expect(out.status, out.stderr).toBe(0);
    return JSON.parse(out.stdout) as Status;
  };

  it('lists the app\'s clock process, its new pid after a crash, and nothing once the app stopped', async () => {
    const child = spawn(process.execPath, ['--import', tsxLoader, 'src/main.ts'], { cwd: app, env: { ...process.env, ODY_APP_LOG_LEVEL: 'info', CLOCK_MS: '60000' } });
    server = child;
    let log = '';
    child.stdout?.on('data', (c) => (log += c));
    child.stderr?.on('data', (c) => (log += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await until('the worker app is ready', () => log.includes('worker ready'), { timeoutMs: 60_000 });

    const first = await status();
    const mine = first.supervisors.find((s) => s.pid === child.pid);
    expect(mine, JSON.stringify(first)).toMatchObject({ source: 'scan', processes: [{ name: 'clock', instance: 0, pid: expect.any(Number), state: 'running' }] });
    const clockPid = mine!.processes[0]!.pid;
    const table = await ody(app, ['process:status']);
    expect(table.stdout).toContain(`(supervisor pid ${child.pid}; from the process table`);
    expect(table.stdout).toMatch(new RegExp(`clock\\s+0\\s+${clockPid}\\s+running\\s`));

    process.kill(clockPid, 'SIGKILL'); // the app's manager restarts it
    const restarted = await until(
      'the clock process restarted with a new pid',
      async () => {
        const p = (await status()).supervisors.find((s) => s.pid === child.pid)?.processes[0];
        return p !== undefined && p.pid !== clockPid ? p : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(restarted).toMatchObject({ name: 'clock', state: 'running' });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
    expect((await status()).supervisors).toEqual([]);
    expect((await ody(app, ['process:status'])).stdout.trim()).toBe('no supervised processes running for this app');
  }, 120_000);
});
