import { request } from 'node:http';
import { type AnyPlugin, createApplication, OdyError } from '@ody/core';
import { Async, Command, CommandBus, CommandHandler, cqrsPlugin } from '@ody/cqrs';
import { HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin, Queues } from '@ody/queue';
import { websocketPlugin } from '@ody/websocket';
import { createClient } from '@ody/websocket/client';
import { describe, expect, it } from 'vitest';
import { describeEngines } from '../../../test-support/engines.js';
import { until } from '../../../test-support/wait.js';
import { type DashboardPluginOptions, dashboardChannel, dashboardPlugin } from './plugin.js';
import type { DashboardSnapshot } from './snapshot.js';

@Async({ queue: 'dash-jobs', attempts: 1 })
class Explode extends Command<string> {}

@CommandHandler(Explode)
class ExplodeHandler {
  execute(): string {
    throw new Error('boom');
  }
}

const TOKEN = 'let-me-in';

async function start(options: DashboardPluginOptions, config: Record<string, unknown> = {}, extra: AnyPlugin[] = []) {
  const app = await createApplication({
    envFile: false,
    env: {},
    config: { app: { logLevel: 'silent' }, http: { host: '127.0.0.1', port: 0 }, queue: { driver: 'memory' }, cqrs: { worker: { waitMs: 20 } }, ...config },
    plugins: [httpPlugin(), queuePlugin(), ...extra, cqrsPlugin({ handlers: [ExplodeHandler] }), dashboardPlugin(options)] as AnyPlugin[],
  });
  await app.start();
  return { app, base: `http://127.0.0.1:${app.get(HttpServer).port}` };
}

const authorize: DashboardPluginOptions['authorize'] = (req) => new URLSearchParams(req.query).get('token') === TOKEN;

function upgradeStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const headers = { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };
    const req = request(url, { headers, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('error', reject);
    req.end();
  });
}

describeEngines(() =>
describe('dashboardPlugin', () => {
  it('is off by default: nothing is mounted', async () => {
    const { app, base } = await start({ authorize: () => true });
    try {
      expect((await fetch(`${base}/ody/dashboard`)).status).toBe(404);
      expect((await fetch(`${base}/ody/dashboard/api/snapshot`)).status).toBe(404);
    } finally {
      await app.stop();
    }
  });

  it('refuses to start enabled without an authorize hook', async () => {
    const app = await createApplication({
      envFile: false,
      env: {},
      config: { app: { logLevel: 'silent' }, http: { host: '127.0.0.1', port: 0 }, queue: { driver: 'memory' } },
      plugins: [httpPlugin(), queuePlugin(), dashboardPlugin({ enabled: true })] as AnyPlugin[],
    });
    const err = await app.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    await app.stop();
    expect(OdyError.is(err, 'ODY_DASHBOARD_NO_AUTH') || OdyError.is((err as { cause?: unknown })?.cause, 'ODY_DASHBOARD_NO_AUTH')).toBe(true);
  });

  it('asks authorize for the page, the API and the WebSocket upgrade; actions need the CSRF header', async () => {
    const { app, base } = await start({ enabled: true, path: '/ops/dash', authorize });
    try {
      const page = `${base}/ops/dash`;
      expect((await fetch(page)).status).toBe(401);
      expect((await fetch(`${page}/api/snapshot`)).status).toBe(401);
      expect((await fetch(`${page}/app.js`)).status).toBe(200); // static code, no data
      expect(await upgradeStatus(`${page}/ws`)).toBe(401);
      const ok = await fetch(`${page}?token=${TOKEN}`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toContain('text/html');
      expect(await ok.text()).not.toMatch(/https?:\/\/(?!127)/); // nothing loaded from elsewhere
      expect(await upgradeStatus(`${page}/ws?token=${TOKEN}`)).toBe(101);
      const noHeader = await fetch(`${page}/api/queues/dash-jobs/failed/x/retry?token=${TOKEN}`, { method: 'POST' });
      expect(noHeader.status).toBe(403);
      expect(((await noHeader.json()) as { code: string }).code).toBe('ODY_DASHBOARD_CSRF');
      const unknown = await fetch(`${page}/api/queues/nope/failed/x/retry?token=${TOKEN}`, { method: 'POST', headers: { 'x-ody-dashboard': '1' } });
      expect(((await unknown.json()) as { code: string }).code).toBe('ODY_DASHBOARD_UNKNOWN_QUEUE');
    } finally {
      await app.stop();
    }
  });

  it('pushes snapshots over its WebSocket: a failed command, then forgetting it from the API', async () => {
    const { app, base } = await start({ enabled: true, authorize, queues: ['extra'] });
    const client = createClient({ url: `${base.replace('http', 'ws')}/ody/dashboard/ws?token=${TOKEN}`, reconnect: false });
    try {
      await client.connect();
      const snaps: DashboardSnapshot[] = [];
      (await client.subscribe<{ snapshot: DashboardSnapshot }>(dashboardChannel)).on('snapshot', (s) => snaps.push(s));
      const { commandId } = await app.get(CommandBus).dispatch(new Explode());
      const failedSnap = await until('a snapshot with the failed job', () =>
        snaps.find((s) => s.queues.find((q) => q.name === 'dash-jobs')?.failed.some((j) => j.id === commandId) && s.commands?.counts.failed === 1),
      );
      const queue = failedSnap.queues.find((q) => q.name === 'dash-jobs')!;
      expect(failedSnap.queues.map((q) => q.name)).toEqual(['dash-jobs', 'extra']);
      expect(queue.counts.failed).toBe(1);
      expect(queue.failed[0]).toMatchObject({ id: commandId, name: 'Explode', reason: 'error', error: { message: expect.stringContaining('boom') } });
      expect(failedSnap.commands?.recent[0]).toMatchObject({ id: commandId, state: 'failed' });

      const res = await fetch(`${base}/ody/dashboard/api/queues/dash-jobs/failed/${commandId}/forget?token=${TOKEN}`, { method: 'POST', headers: { 'x-ody-dashboard': '1' } });
      expect(await res.json()).toEqual({ forgotten: 1 });
      await until('a snapshot without the failed job', () => snaps.at(-1)?.queues.find((q) => q.name === 'dash-jobs')?.failed.length === 0);
      expect(await app.get(Queues).queue('dash-jobs').failed.get(commandId)).toBeUndefined();
      const again = await fetch(`${base}/ody/dashboard/api/queues/dash-jobs/failed/${commandId}/forget?token=${TOKEN}`, { method: 'POST', headers: { 'x-ody-dashboard': '1' } });
      expect(again.status).toBe(404);
    } finally {
      client.close();
      await app.stop();
    }
  });

  it("shows the app's WebSocket server: connections, channels, messages in and out (not counting its own socket)", async () => {
    const { app, base } = await start({ enabled: true, authorize }, {}, [websocketPlugin()]);
    const client = createClient({ url: `${base.replace('http', 'ws')}/ws`, reconnect: false });
    try {
      await client.connect();
      await client.subscribe('news');
      await client.subscribe('weather');
      const snap = await until('a snapshot with both channels', async () => {
        const s = (await (await fetch(`${base}/ody/dashboard/api/snapshot?token=${TOKEN}`)).json()) as DashboardSnapshot;
        return s.runtime.websocket?.channels === 2 ? s : undefined;
      });
      expect(snap.runtime.websocket).toMatchObject({ connections: 1, channels: 2, messagesIn: 2, slowConsumers: 0 });
    } finally {
      client.close();
      await app.stop();
    }
  });
}),
);
