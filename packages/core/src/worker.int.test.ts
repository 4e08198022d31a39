import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createApplication } from './app/application.js';

describe('worker awareness', () => {
  it('app.worker says main thread here', async () => {
    const app = await createApplication({ envFile: false, env: {}, logger: { destination: { write() {} } } });
    expect(app.worker).toEqual({ id: 0, isMain: true });
  });

  it('the same factory in a real worker thread knows it is a worker', async () => {
    const fixtures = join(import.meta.dirname, 'fixtures');
    const worker = new Worker(join(fixtures, 'worker-bootstrap.mjs'), {
      workerData: { entry: pathToFileURL(join(fixtures, 'worker-app.ts')).href },
    });
    const info = await new Promise<{ id: number; isMain: boolean }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const threadId = worker.threadId;
    await worker.terminate();
    expect(info.isMain).toBe(false);
    expect(info.id).toBe(threadId);
    expect(info.id).toBeGreaterThan(0);
  });
});
