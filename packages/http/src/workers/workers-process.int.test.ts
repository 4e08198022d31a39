import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@ody/core';
import { afterEach, describe, expect, it } from 'vitest';
import { alive } from '../../../../test-support/processes.js';
import { startWorkers, WorkerSupervisorToken } from '../index.js';
import { until } from '../fixtures/helpers.js';
import { describeEngines } from '../../../../test-support/engines.js';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function who(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/who`, { headers: { connection: 'close' } });
  return ((await res.json()) as { pid: number }).pid;
}

async function pidsSeen(port: number, requests: number): Promise<Set<number>> {
  const seen = new Set<number>();
  for (let i = 0; i < requests; i++) seen.add(await who(port));
  return seen;
}


const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  delete process.env.ODY_TEST_WORKER_MODE;
});

describeEngines(() => {
  describe('worker processes on one port (http.workerMode: process)', () => {
    it('two processes serve one port; a SIGKILLed one is restarted while the port keeps serving', async () => {
      const port = await freePort();
      process.env.ODY_TEST_WORKER_PORT = String(port);
      process.env.ODY_TEST_WORKER_MODE = 'process';
      const { createApp } = await import('../fixtures/worker-app.js');
      const app = await createApp();
      await app.start();
      cleanups.push(() => app.stop());
      const supervisor = app.get(WorkerSupervisorToken);
      const pids = supervisor.slots().map((s) => s.pid);
      expect(new Set(pids).size).toBe(2);
      expect(pids).not.toContain(process.pid);
      expect(await pidsSeen(port, 40)).toEqual(new Set(pids)); // SO_REUSEPORT spreads over both

      // keep requesting while one worker is SIGKILLed and restarted
      let ok = 0;
      let failed = 0;
      let okWhileDown = 0;
      let down = false;
      let loading = true;
      const load = (async () => {
        while (loading) {
          try {
            await who(port);
            ok++;
            if (down) okWhileDown++;
          } catch {
            failed++;
          }
        }
      })();
      await until(() => ok >= 20, 1000);
      const victim = pids[0]!;
      process.kill(victim, 'SIGKILL');
      down = true;
      await until(() => !alive(victim), 1000);
      await until(() => supervisor.slots()[0]!.restarts === 1, 1000);
      await supervisor.whenReady();
      down = false;
      const before = ok;
      await until(() => ok >= before + 20, 1000);
      loading = false;
      await load;

      const slot0 = supervisor.slots()[0]!;
      expect(slot0.state).toBe('ready');
      expect(slot0.pid).not.toBe(victim);
      expect(alive(slot0.pid)).toBe(true);
      expect(okWhileDown).toBeGreaterThan(0); // the surviving worker kept serving the port
      expect(failed).toBeLessThanOrEqual(2); // at most the connections the killed process held
      const after = await pidsSeen(port, 40);
      expect(after).toEqual(new Set([slot0.pid, pids[1]!]));

      await app.stop();
      cleanups.length = 0;
      await until(() => !alive(slot0.pid) && !alive(pids[1]!), 1000); // graceful stop ends the children
    }, 60_000);

    it('children exit when the supervising parent is SIGKILLed (no orphans)', async () => {
      const port = await freePort();
      const script = fileURLToPath(new URL('../fixtures/process-parent.ts', import.meta.url));
      const parent = spawn(process.execPath, ['--import', 'tsx', script], {
        env: { ...process.env, ODY_TEST_WORKER_PORT: String(port) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      cleanups.push(() => parent.kill('SIGKILL'));
      const pids = await new Promise<number[]>((resolve, reject) => {
        let out = '';
        parent.stdout!.on('data', (d) => {
          out += d;
          const m = /\{"pids":\[[\d,]+\]\}/.exec(out);
          if (m) resolve((JSON.parse(m[0]) as { pids: number[] }).pids);
        });
        parent.once('exit', (code) => reject(new Error(`parent exited early with ${code}`)));
      });
      cleanups.push(() => {
        for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      });
      expect(pids).toHaveLength(2);
      expect(pids.every(alive)).toBe(true);
      expect((await pidsSeen(port, 10)).size).toBeGreaterThan(0);
      parent.kill('SIGKILL');
      await until(() => pids.every((pid) => !alive(pid)), 1000);
      expect(pids.some(alive)).toBe(false);
    }, 60_000);

    it('a module that is not an app factory fails startup with a typed error', async () => {
      const err = await startWorkers({
        module: new URL('../fixtures/not-an-app.ts', import.meta.url),
        count: 2,
        mode: 'process',
        logger: createLogger({ level: 'silent' }),
      }).then(
        () => undefined,
        (e: unknown) => e as { code?: string; message: string },
      );
      expect(err?.code).toBe('ODY_HTTP_WORKER_MODULE_INVALID');
      expect(err?.message).toContain('createApp');
    }, 60_000);

    it('a worker that exits before it is ready fails startup with ODY_HTTP_WORKER_EXITED', async () => {
      const err = await startWorkers({
        module: new URL('../fixtures/exits-early.ts', import.meta.url),
        count: 1,
        mode: 'process',
        logger: createLogger({ level: 'silent' }),
      }).then(
        () => undefined,
        (e: unknown) => e as { code?: string; message: string },
      );
      expect(err?.code).toBe('ODY_HTTP_WORKER_EXITED');
      expect(err?.message).toContain('code 3');
    }, 60_000);
  });
});
