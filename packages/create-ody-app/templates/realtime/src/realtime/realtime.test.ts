import type { Application } from '@ody/core';
import { HttpServer } from '@ody/http';
import { createClient } from '@ody/websocket/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';

describe('live announcements', () => {
  let app: Application;
  let base: string;

  beforeAll(async () => {
    app = await createApp({ app: { logLevel: 'warn' }, http: { port: 0, host: '127.0.0.1' } });
    await app.start();
    base = `127.0.0.1:${app.get(HttpServer).port}`;
  });
  afterAll(() => app.stop());

  it('pushes a POSTed announcement to a subscribed WebSocket client', async () => {
    const client = createClient({ url: `ws://${base}/ws?name=test`, reconnect: false });
    await client.connect();
    const channel = await client.subscribe<{ announcement: { text: string; at: string } }>('announcements');
    const received = new Promise<string>((resolve) => channel.on('announcement', (msg) => resolve(msg.text)));
    const res = await fetch(`http://${base}/announcements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.status).toBe(202);
    expect(await received).toBe('hello');
    await client.close();
  });

  it('serves the page', async () => {
    const res = await fetch(`http://${base}/index.html`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Live announcements');
  });
});
