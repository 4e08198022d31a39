import { request } from 'node:http';
import { createApplication } from '@ody/core';
import { HttpServer, httpPlugin } from '@ody/http';
import { createClient } from '@ody/websocket/client';
import { expect, it } from 'vitest';
import { exampleWebSocket, realtimePlugin } from './index.js';

it('publishes what POST /announcements receives to WebSocket subscribers, and lists the lobby', async () => {
  const app = await createApplication({
    config: { app: { logLevel: 'warn' }, http: { port: 0, host: '127.0.0.1' } },
    envFile: false,
    env: {},
    plugins: [httpPlugin(), exampleWebSocket(), realtimePlugin()],
  });
  await app.start();
  const base = `127.0.0.1:${app.get(HttpServer).port}`;
  const client = createClient({ url: `ws://${base}/ws?name=Ada`, reconnect: false });
  try {
    await client.connect();
    const news = await client.subscribe<{ announcement: { text: string; at: string } }>('announcements');
    const lobby = await client.subscribe('presence-lobby');
    expect(lobby.members).toEqual([{ id: 'ada', info: { name: 'Ada' } }]);
    const got = new Promise<string>((resolve) => news.on('announcement', (a) => resolve(a.text)));
    const res = await fetch(`http://${base}/announcements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'deploy at noon' }),
    });
    expect(res.status).toBe(202);
    expect(await got).toBe('deploy at noon');
    const listed = (await (await fetch(`http://${base}/realtime/lobby`)).json()) as { members: unknown[]; connections: number };
    expect(listed).toEqual({ members: [{ id: 'ada', info: { name: 'Ada' } }], connections: 1 });
    // Without a name the upgrade is refused at the HTTP level.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const headers = { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };
      const req = request(`http://${base}/ws`, { headers, agent: false }, (r) => {
        r.resume();
        resolve(r.statusCode);
      });
      req.on('upgrade', () => reject(new Error('anonymous upgrade succeeded')));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
  } finally {
    client.close();
    await app.stop();
  }
});
