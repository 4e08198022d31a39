import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Application } from '@ody/core';
import { Queues } from '@ody/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { type DigestJob, DigestResults } from './jobs.js';
import { digest } from './tasks.js';

describe('digest worker', () => {
  let app: Application;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'worker-test-'));
    app = await createApp({ clock: false, config: { app: { logLevel: 'warn' }, queue: { driver: 'filesystem', dir } } });
    await app.start();
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('processes a queued job on the task pool', async () => {
    const { id } = await app.get(Queues).queue<DigestJob>('digests').push('test', { text: 'hello', rounds: 3 });
    const results = app.get(DigestResults);
    // Bounded wait for the worker to finish the job (no fixed sleep: it returns as soon as it is done).
    for (let i = 0; i < 1_000 && !results.has(id); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(results.get(id)).toBe(digest({ text: 'hello', rounds: 3 }));
  });
});
