import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplication, OdyError } from '@ody/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessManager, ProcessManager, processPlugin } from './index.js';
import { alive, fixture, record, until, worker } from './fixtures/helpers.js';

let pm: ProcessManager | undefined;
afterEach(async () => {
  await pm?.close();
  pm = undefined;
});

describe('IPC, output and lifecycle', () => {
  it('request/response both ways, typed messages, errors and timeouts', async () => {
    pm = createProcessManager({ processes: [worker('rpc', { instances: 2 })] });
    const messages = record(pm, 'message');
    pm.onRequest('rpc', (request, from) => ({ answer: (request as { question: number }).question * 2, to: from.instance }));
    await pm.start();
    expect(await pm.request('rpc', { op: 'ping' }, { instance: 1 })).toMatchObject({ pong: true, instance: 1 });
    // child → manager request, answered by onRequest, relayed back
    expect(await pm.request('rpc', { op: 'ask', value: 21 })).toEqual({ answer: 42, to: 0 });
    // a child handler that throws
    const failed = await pm.request('rpc', { op: 'fail' }).catch((e: unknown) => e);
    expect(OdyError.is(failed, 'ODY_PROCESS_REQUEST_FAILED')).toBe(true);
    expect((failed as OdyError).details).toMatchObject({ remoteName: 'RangeError', remoteCode: 'E_CHILD' });
    // timeout
    const late = await pm.request('rpc', { op: 'slow', ms: 2_000 }, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(OdyError.is(late, 'ODY_PROCESS_REQUEST_TIMEOUT')).toBe(true);
    // broadcast message, echoed back by each instance
    expect(pm.send('rpc', { hello: 'all' })).toBe(2);
    await until(() => messages.length === 2, 'two echoes');
    expect(messages.map((m) => m.message).sort((a, b) => (a as { instance: number }).instance - (b as { instance: number }).instance)).toEqual([
      { echo: { hello: 'all' }, instance: 0 },
      { echo: { hello: 'all' }, instance: 1 },
    ]);
    // a request pending when the child dies is rejected at once
    const pending = pm.request('rpc', { op: 'slow', ms: 10_000 }, { instance: 1, timeoutMs: 20_000 }).catch((e: unknown) => e);
    process.kill(pm.status()[1]!.pid!, 'SIGKILL');
    expect(OdyError.is(await pending, 'ODY_PROCESS_EXITED')).toBe(true);
  });

  it('captures stdout/stderr line by line with a name prefix, to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-process-'));
    try {
      const file = join(dir, 'out.log');
      pm = createProcessManager({ processes: [worker('talker', { output: { logger: false, file } })] });
      await pm.start();
      await pm.stop();
      await pm.close();
      await until(() => readFileSync(file, 'utf8').includes('stopping because signal'), 'the output file');
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toContain('[talker#0] hello from talker#0');
      expect(lines).toContain('[talker#0] a line on stderr');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('children exit on their own when the manager is SIGKILLed (no orphans)', async () => {
    const manager = spawn(process.execPath, ['--import', 'tsx', fixture('manager.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    manager.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    try {
      await until(() => out.includes('"pids"'), 'the manager to report its children', 30_000);
      const { pids } = JSON.parse(out.slice(out.indexOf('{'), out.indexOf('}') + 1)) as { pids: number[] };
      expect(pids).toHaveLength(3);
      expect(pids.every(alive)).toBe(true);
      manager.kill('SIGKILL');
      await until(() => !pids.some(alive), 'every child to exit after losing its manager');
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      manager.kill('SIGKILL');
    }
  });

  it('children of a manager that dies of an uncaught error are killed from its exit hook', async () => {
    const manager = spawn(process.execPath, ['--import', 'tsx', fixture('manager.ts'), 'commands'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    manager.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    try {
      await until(() => out.includes('"pids"'), 'the manager to report its children', 30_000);
      const { pids } = JSON.parse(out.slice(out.indexOf('{'), out.indexOf('}') + 1)) as { pids: number[] };
      expect(pids).toHaveLength(2);
      const code = await new Promise((resolve) => manager.once('exit', resolve));
      expect(code).toBe(1);
      await until(() => !pids.some(alive), 'the sleep children to be killed');
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      manager.kill('SIGKILL');
    }
  });

  it('processPlugin declares processes in config and stops them with the app', async () => {
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: { pretty: false, destination: { write: () => true } },
      config: { process: { processes: [{ ...worker('from-config'), instances: 2 }] } },
      plugins: [processPlugin()],
    });
    await app.start();
    const manager = app.get(ProcessManager);
    const rows = manager.status();
    expect(rows.map((r) => r.state)).toEqual(['ready', 'ready']);
    await app.stop();
    expect(rows.map((r) => r.pid!).some(alive)).toBe(false);
    expect(manager.status().map((r) => r.state)).toEqual(['stopped', 'stopped']);
  });

  it('runs plain commands (no IPC) and reports them ready on spawn', async () => {
    pm = createProcessManager({ processes: [{ name: 'sleeper', command: 'sleep', args: ['30'], output: { logger: false } }] });
    const ready = record(pm, 'ready');
    await pm.start();
    expect(ready).toHaveLength(1);
    const err = await pm.request('sleeper', 'hi').catch((e: unknown) => e);
    expect(OdyError.is(err, 'ODY_PROCESS_NOT_CONNECTED')).toBe(true);
    await pm.stop();
    expect(pm.status()[0]).toMatchObject({ state: 'stopped', lastExitSignal: 'SIGTERM' });
  });
});
