import { request, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../../test-support/wait.js';
import { OdyError } from '../errors.js';
import { definePlugin } from '../plugin/define.js';
import { createApplication } from './application.js';

const silent = { destination: { write() {} } };

interface State {
  server?: Server;
  served: Array<{ path: string; afterStopSettled: boolean }>;
  stopSettled: boolean;
  /** Whether stop() had already settled when the server closed (its last connection gone). */
  closedAfterStopSettled?: boolean;
}

/**
 * A server plugin the way @ody/http drains: at shutdown it keeps answering (503 "draining") until its
 * in-flight requests finish or its own drain budget (longer than the app's) runs out — unless the
 * kernel's budget signal aborts first, then it closes every connection at once.
 */
function drainingServerPlugin(state: State) {
  const ownDrainMs = 30_000;
  return definePlugin({
    name: 'web',
    async boot() {
      let draining = false;
      const server = createServer((req, res) => {
        state.served.push({ path: req.url ?? '', afterStopSettled: state.stopSettled });
        if (req.url === '/slow') return; // in flight until the server closes its connection
        res.writeHead(draining ? 503 : 200, { connection: 'close' }).end(draining ? 'draining' : 'ok');
      });
      server.on('close', () => {
        state.closedAfterStopSettled = state.stopSettled;
      });
      (server as Server & { startDrain: () => void }).startDrain = () => {
        draining = true;
      };
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      state.server = server;
    },
    async shutdown(_ctx, budget) {
      const server = state.server as Server & { startDrain: () => void };
      server.startDrain();
      await new Promise<void>((resolve) => {
        const ownDrain = setTimeout(resolve, ownDrainMs);
        const stopNow = () => {
          clearTimeout(ownDrain);
          resolve();
        };
        // Old kernels hand no budget: then only the plugin's own drain ends it.
        if (budget?.signal.aborted) stopNow();
        else budget?.signal.addEventListener('abort', stopNow, { once: true });
      });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function get(port: number, path: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('one shutdown budget (real server plugin)', () => {
  it('app.shutdownTimeoutMs bounds a plugin with a longer drain of its own, and stop() settles only after the server stopped serving', async () => {
    const state: State = { served: [], stopSettled: false };
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: silent,
      plugins: [drainingServerPlugin(state)],
      config: { app: { shutdownTimeoutMs: 400, shutdownGraceMs: 5_000 } },
    });
    await app.start();
    cleanup = async () => {
      state.server?.closeAllConnections();
      state.server?.close();
    };
    const port = (state.server!.address() as AddressInfo).port;

    const slow = get(port, '/slow');
    await until('the slow request to arrive', () => state.served.some((s) => s.path === '/slow'));

    const stopped = app.stop().then(
      () => 'resolved' as const,
      (err: unknown) => (OdyError.is(err) ? err.code : String(err)),
    );
    void stopped.then(() => {
      state.stopSettled = true;
    });

    // While stop() runs the plugin keeps serving (draining): poll it until it refuses connections.
    const answers: Array<number | string> = [];
    for (;;) {
      const answer = await get(port, '/ping');
      answers.push('status' in answer ? answer.status : answer.error);
      if ('error' in answer) break;
    }

    expect(await stopped).toBe('resolved');
    expect(answers).toContain(503); // it really was still serving while stop() was pending
    expect(answers.at(-1)).toMatch(/^ECONN(REFUSED|RESET)$/);
    // The server was fully closed (every connection gone) before stop() settled, and the in-flight
    // request was cut when the budget ran out.
    expect(state.closedAfterStopSettled).toBe(false);
    expect(await slow).toHaveProperty('error');
    // Nothing was served after stop() reported done.
    expect(state.served.filter((s) => s.afterStopSettled)).toEqual([]);
    expect(await get(port, '/ping')).toEqual({ error: 'ECONNREFUSED' });
  });

  it('ctx.shutdownSignal and the budget abort together when the budget runs out; remainingMs counts down to 0', async () => {
    const seen: Array<{ abortedAtStart: boolean; remaining: number; ctxAborted: boolean; reason: unknown }> = [];
    const plugin = definePlugin({
      name: 'slowpoke',
      async shutdown(ctx, budget) {
        const abortedAtStart = budget.signal.aborted;
        await new Promise((resolve) => budget.signal.addEventListener('abort', resolve, { once: true }));
        seen.push({ abortedAtStart, remaining: budget.remainingMs(), ctxAborted: ctx.shutdownSignal.aborted, reason: budget.signal.reason });
      },
    });
    const app = await createApplication({ envFile: false, env: {}, logger: silent, plugins: [plugin], config: { app: { shutdownTimeoutMs: 100 } } });
    await app.start();
    await app.stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ abortedAtStart: false, remaining: 0, ctxAborted: true });
    expect(OdyError.is(seen[0]!.reason, 'ODY_TIMEOUT')).toBe(true);
  });

  it('a plugin still running after the budget and the grace is reported, and later plugins still get their turn', async () => {
    const log: string[] = [];
    const hung = definePlugin({ name: 'hung', shutdown: () => new Promise<void>(() => {}) });
    const first = definePlugin({
      name: 'first',
      shutdown(_ctx, budget) {
        log.push(`first:aborted=${budget.signal.aborted}`);
      },
    });
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: silent,
      plugins: [first, hung],
      config: { app: { shutdownTimeoutMs: 50, shutdownGraceMs: 50 } },
    });
    await app.start();
    const err = await app.stop().then(() => undefined, (e: unknown) => e);
    expect(OdyError.is(err, 'ODY_SHUTDOWN_FAILED')).toBe(true);
    expect((err as OdyError).details.plugins).toEqual(['hung']);
    expect((err as OdyError).message).toContain('still running 50 ms after its signal aborted');
    expect(log).toEqual(['first:aborted=true']);
  });
});
