import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { WorkerAdapter } from '../index.js';
import { eventually } from '../fixtures/raw-client.js';

it('drops the members of a worker thread that dies without saying goodbye', async () => {
  const channel = `crash-${randomUUID()}`;
  const frames: string[] = [];
  const adapter = new WorkerAdapter({ name: channel, heartbeatMs: 100 });
  await adapter.start({ deliver: (_c, frame) => frames.push(frame) });
  // Run the TypeScript fixture in a worker thread: register tsx inside the thread, then import it.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const entry = new URL('../fixtures/adapter-thread.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: { channel } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    await eventually(async () => (await adapter.members('presence-x')).length === 1, 5000, 'ghost to appear');
    await eventually(async () => (await adapter.connectionCount()) === 1, 5000, 'count to arrive');
    expect(frames.some((f) => f.includes('member_added'))).toBe(true);
    await worker.terminate(); // a hard stop: no bye message
    await eventually(async () => (await adapter.members('presence-x')).length === 0, 5000, 'ghost to be dropped');
    expect(frames.at(-1)).toBe(JSON.stringify({ event: 'member_removed', channel: 'presence-x', data: { id: 'ghost' } }));
    expect(await adapter.connectionCount()).toBe(0);
  } finally {
    await worker.terminate();
    await adapter.close();
  }
});
