import { OdyError } from '@ody/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessManager, type ProcessManager } from './index.js';
import { alive, record, until, worker } from './fixtures/helpers.js';

let pm: ProcessManager | undefined;
afterEach(async () => {
  await pm?.close();
  pm = undefined;
});

describe('ProcessManager supervision', () => {
  it('restarts a crashing process with the configured backoff, then marks a crash loop errored', async () => {
    pm = createProcessManager({
      processes: [
        worker('crasher', {
          env: { CRASH_AFTER_MS: '50' },
          backoff: { type: 'exponential', delayMs: 40, factor: 2, maxDelayMs: 1_000 },
          backoffResetAfterMs: 60_000,
          maxRestarts: 3,
          restartWindowMs: 60_000,
        }),
      ],
    });
    const restarting = record(pm, 'restarting');
    const errored = record(pm, 'errored');
    const exited = record(pm, 'exited');
    await pm.start();
    await until(() => errored.length === 1, 'the crash loop to be detected');
    expect(restarting.map((r) => r.delayMs)).toEqual([40, 80, 160]);
    expect(restarting.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(exited.every((e) => e.code === 3)).toBe(true);
    expect(exited).toHaveLength(4);
    const [row] = pm.status();
    expect(row).toMatchObject({ name: 'crasher', state: 'errored', restarts: 3, lastExitCode: 3, pid: undefined });
    expect(pm.formatStatus()).toMatch(/crasher\s+0\s+-\s+errored\s+3/);
  });

  it('restart policies: on-failure leaves a clean exit alone, never leaves a crash alone', async () => {
    pm = createProcessManager({
      processes: [worker('clean', { restart: 'on-failure' }), worker('once', { restart: 'never', env: { CRASH_AFTER_MS: '30' } })],
    });
    await pm.start();
    await pm.request('clean', { op: 'crash', code: 0 }).catch(() => undefined);
    await until(() => pm!.status().every((s) => s.state === 'exited'), 'both to stay down');
    expect(pm.status().map((s) => [s.name, s.lastExitCode, s.restarts])).toEqual([
      ['clean', 0, 0],
      ['once', 3, 0],
    ]);
  });

  it('stops gracefully with the stop signal, and SIGKILLs a child that ignores it', async () => {
    pm = createProcessManager({ processes: [worker('polite'), worker('stubborn', { env: { IGNORE_STOP: '1' }, stopTimeoutMs: 300 })] });
    const exited = record(pm, 'exited');
    await pm.start();
    const pids = pm.status().map((s) => s.pid!);
    await pm.stop();
    const byName = Object.fromEntries(exited.map((e) => [e.name, e]));
    expect(byName.polite).toMatchObject({ code: 0, signal: null });
    expect(byName.stubborn).toMatchObject({ signal: 'SIGKILL' });
    expect(pids.some(alive)).toBe(false);
    expect(pm.status().map((s) => s.state)).toEqual(['stopped', 'stopped']);
  });

  it('scales up and down', async () => {
    const pool = worker('pool', { instances: 1 });
    pm = createProcessManager({ processes: [pool] });
    await pm.start();
    await pm.scale('pool', 3);
    expect(pm.status().map((s) => [s.instance, s.state])).toEqual([
      [0, 'ready'],
      [1, 'ready'],
      [2, 'ready'],
    ]);
    const answers = await Promise.all([0, 1, 2].map((instance) => pm!.request(pool, { op: 'ping' }, { instance }) as Promise<{ instance: number }>));
    expect(answers.map((a) => a.instance)).toEqual([0, 1, 2]);
    const removed = pm.status().slice(1).map((s) => s.pid!);
    await pm.scale('pool', 1);
    expect(pm.status()).toHaveLength(1);
    expect(removed.some(alive)).toBe(false);
  });

  it('rolling restart replaces instances one at a time, each after the previous is ready', async () => {
    pm = createProcessManager({ processes: [worker('web', { instances: 3 })] });
    await pm.start();
    const before = pm.status().map((s) => s.pid);
    const log: string[] = [];
    pm.on('stopped', (e) => log.push(`stopped ${e.instance}`));
    pm.on('ready', (e) => log.push(`ready ${e.instance}`));
    await pm.rollingRestart('web');
    expect(log).toEqual(['stopped 0', 'ready 0', 'stopped 1', 'ready 1', 'stopped 2', 'ready 2']);
    const after = pm.status().map((s) => s.pid);
    expect(after.every((pid, i) => pid !== before[i])).toBe(true);
  });

  it('restarts an instance whose memory passes maxMemoryMb', async () => {
    pm = createProcessManager({ processes: [worker('hungry', { maxMemoryMb: 120, memoryCheckIntervalMs: 100 })] });
    const exceeded = record(pm, 'memory-exceeded');
    await pm.start();
    const first = pm.status()[0]!.pid;
    expect(await pm.request('hungry', { op: 'eat', mb: 150 })).toBe(150);
    await until(() => exceeded.length === 1 && pm!.status()[0]!.state === 'ready' && pm!.status()[0]!.pid !== first, 'a memory restart');
    expect(exceeded[0]!.rssMb).toBeGreaterThan(120);
    expect(pm.status()[0]).toMatchObject({ restarts: 1, state: 'ready' });
    expect(pm.status()[0]!.memoryMb).toBeLessThan(120);
  });

  it('rejects bad definitions and unknown names with typed errors', () => {
    expect(() => createProcessManager({ processes: [{ name: 'x' }] })).toThrow(/exactly one of 'module' or 'command'/);
    expect(() => createProcessManager({ processes: [worker('a', { instances: -1 })] })).toThrow(/instances/);
    const dup = () => createProcessManager({ processes: [worker('a'), worker('a')] });
    expect(dup).toThrow(expect.objectContaining({ code: 'ODY_PROCESS_DUPLICATE' }));
    const m = createProcessManager();
    let error: unknown;
    try {
      m.send('ghost', 1);
    } catch (e) {
      error = e;
    }
    expect(OdyError.is(error, 'ODY_PROCESS_UNKNOWN')).toBe(true);
  });
});
