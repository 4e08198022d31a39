import net from 'node:net';
import { createLogger } from '@ody/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorkers, type WorkerSupervisor, WorkerSupervisorToken } from '../index.js';
import { testEngines } from '../../../../test-support/engines.js';
import { json, until } from '../fixtures/helpers.js';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function threadsSeen(port: number, requests: number): Promise<Set<number>> {
  const seen = new Set<number>();
  for (let i = 0; i < requests; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/who`, { headers: { connection: 'close' } });
    seen.add((await json(res)).threadId as number);
  }
  return seen;
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  delete process.env.ODY_TEST_CRASH_AFTER_READY;
});

describe('thread workers on the node engine', () => {
  it('are refused with a typed error that says to use process workers', async () => {
    const err = await startWorkers({ module: new URL('../fixtures/worker-app.ts', import.meta.url), count: 2, engine: 'node', logger: createLogger({ level: 'silent' }) }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ODY_HTTP_ENGINE_UNAVAILABLE', message: expect.stringContaining("'process'") });
  });
});

// Worker threads share one port through uWS's SO_REUSEPORT: a uws-engine feature.
const threadsRun = testEngines().includes('uws');
if (!threadsRun) console.log('[engines] worker-thread suite needs the uws engine: not run on the node engine');

describe.runIf(threadsRun)('worker threads on one port', () => {
  it('two workers serve one port; a crashed worker is restarted and the port keeps serving', async () => {
    const port = await freePort();
    process.env.ODY_TEST_WORKER_PORT = String(port);
    const { createApp } = await import('../fixtures/worker-app.js');
    const app = await createApp();
    await app.start();
    stops.push(() => app.stop());
    const supervisor = app.get(WorkerSupervisorToken);
    const first = await threadsSeen(port, 40);
    expect(first.size).toBe(2); // SO_REUSEPORT spread connections over both threads

    await fetch(`http://127.0.0.1:${port}/crash`, { headers: { connection: 'close' } });
    await until(() => supervisor.slots().some((s) => s.restarts === 1), 500);
    await supervisor.whenReady();
    const after = await threadsSeen(port, 40);
    expect(after.size).toBe(2);
    expect([...after].some((id) => !first.has(id))).toBe(true); // a new thread replaced the crashed one

    await fetch(`http://127.0.0.1:${port}/exit`, { headers: { connection: 'close' } });
    await until(() => supervisor.slots().reduce((n, s) => n + s.restarts, 0) === 2, 500);
    await supervisor.whenReady();
    expect((await threadsSeen(port, 10)).size).toBeGreaterThan(0);
  }, 60_000);

  it('stops restarting a crash-looping worker and reports it', async () => {
    const port = await freePort();
    process.env.ODY_TEST_WORKER_PORT = String(port);
    process.env.ODY_TEST_CRASH_AFTER_READY = '1';
    const loops: string[] = [];
    const supervisor: WorkerSupervisor = await startWorkers({
      module: new URL('../fixtures/worker-app.ts', import.meta.url),
      count: 1,
      logger: createLogger({ level: 'silent' }),
      restart: { initialDelayMs: 10, maxCrashes: 2, windowMs: 60_000 },
      onCrashLoop: (_slot, err) => loops.push(err.code),
    });
    stops.push(() => supervisor.stop());
    await until(() => loops.length === 1, 1000);
    expect(loops).toEqual(['ODY_HTTP_WORKERS_CRASH_LOOP']);
    expect(supervisor.slots()[0]!.state).toBe('crash-loop');
  }, 60_000);
});
