import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplication } from '@ody/core';
import { HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import { afterAll, expect, it } from 'vitest';
import { welcomeQueuePlugin } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'ody-example-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('POST /welcome queues a job on the filesystem driver and the worker processes it once', async () => {
  const app = await createApplication({
    config: { app: { logLevel: 'silent' }, http: { host: '127.0.0.1', port: 0 }, queue: { driver: 'filesystem', dir } },
    plugins: [httpPlugin(), queuePlugin(), welcomeQueuePlugin()],
    envFile: false,
    env: {},
  });
  await app.start();
  try {
    const base = `http://127.0.0.1:${app.get(HttpServer).port}`;
    const send = () =>
      fetch(`${base}/welcome`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@b.co', name: 'Ada' }) });
    const first = await send();
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ jobId: 'welcome:a@b.co', queued: true });
    const bad = await fetch(`${base}/welcome`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nope"}' });
    expect(bad.status).toBe(400);
    let sent: unknown[] = [];
    for (let i = 0; i < 400 && sent.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      sent = (await (await fetch(`${base}/welcome/sent`)).json()) as unknown[];
    }
    expect(sent).toEqual([{ email: 'a@b.co', name: 'Ada', jobId: 'welcome:a@b.co', attempt: 1 }]);
    expect(await (await fetch(`${base}/welcome/counts`)).json()).toMatchObject({ completed: 1, failed: 0 });
  } finally {
    await app.stop();
  }
});
