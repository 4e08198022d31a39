import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Application } from '@ody/core';
import { HttpServer } from '@ody/http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type Role } from '../app.js';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Started {
  app: Application;
  base: string;
  dir: string;
}

async function start(role: Role, dir: string): Promise<Started> {
  const app = await createApp({
    role,
    ordersDir: join(dir, 'orders'),
    eventsDir: join(dir, 'events'),
    readModelsDir: join(dir, 'read-models'),
    config: { app: { logLevel: 'warn' }, http: { port: 0, host: '127.0.0.1' }, queue: { driver: 'filesystem', dir: join(dir, 'queue') } },
  });
  await app.start();
  return { app, base: `http://127.0.0.1:${app.get(HttpServer).port}`, dir };
}

/** Poll the command's status until it is final (bounded; returns as soon as it is). */
async function settled(base: string, location: string, worker?: ChildProcess): Promise<{ state: string }> {
  for (let i = 0; i < 1_500; i++) {
    if (worker && worker.exitCode !== null) throw new Error(`the worker process exited with ${worker.exitCode}`);
    const record = (await (await fetch(base + location)).json()) as { state: string };
    if (record.state === 'succeeded' || record.state === 'failed') return record;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`command at ${location} did not finish`);
}

describe('orders (async commands)', () => {
  let started: Started | undefined;
  let worker: ChildProcess | undefined;
  afterEach(async () => {
    worker?.kill('SIGKILL');
    await started?.app.stop();
    if (started) rmSync(started.dir, { recursive: true, force: true });
    started = undefined;
    worker = undefined;
  });

  it('places an order through the queue and reads it back', async () => {
    started = await start('all', mkdtempSync(join(tmpdir(), 'orders-')));
    const res = await fetch(`${started.base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: 'book', qty: 2 }) });
    expect(res.status).toBe(202);
    const { orderId } = (await res.json()) as { orderId: string };
    expect((await settled(started.base, res.headers.get('location') as string)).state).toBe('succeeded');
    expect(await (await fetch(`${started.base}/orders/${orderId}`)).json()).toMatchObject({ id: orderId, sku: 'book', qty: 2 });
  });

  it('an API-only process hands the command to a separate worker process', async () => {
    started = await start('api', mkdtempSync(join(tmpdir(), 'orders-')));
    const res = await fetch(`${started.base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: 'pen', qty: 1 }) });
    const { orderId } = (await res.json()) as { orderId: string };
    worker = spawn(process.execPath, ['--import', tsx, join(import.meta.dirname, '..', 'worker.ts')], {
      // The app's own folder, so tsx finds its tsconfig (decorators).
      cwd: join(import.meta.dirname, '..', '..'),
      env: {
        ...process.env,
        ODY_QUEUE_DIR: join(started.dir, 'queue'),
        ORDERS_DIR: join(started.dir, 'orders'),
        ODY_EVENTSTORE_DIR: join(started.dir, 'events'),
        READ_MODELS_DIR: join(started.dir, 'read-models'),
        ODY_APP_LOG_LEVEL: 'warn',
      },
      stdio: 'inherit',
    });
    expect((await settled(started.base, res.headers.get('location') as string, worker)).state).toBe('succeeded');
    expect(await (await fetch(`${started.base}/orders/${orderId}`)).json()).toMatchObject({ id: orderId, sku: 'pen' });
    // The worker owns the event store: the API dispatches a stock command, the worker appends its event
    // and projects it, and the API reads the projection's file.
    const stock = await fetch(`${started.base}/stock/pen/receive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qty: 4 }) });
    expect((await settled(started.base, stock.headers.get('location') as string, worker)).state).toBe('succeeded');
    let level: unknown;
    for (let i = 0; i < 1_500 && level === undefined; i++) {
      const res = await fetch(`${started.base}/stock/pen`);
      if (res.status === 200) level = await res.json();
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(level).toEqual({ sku: 'pen', onHand: 4, version: 1 });
  });

  it('rejects a bad order with a 400 problem+json', async () => {
    started = await start('all', mkdtempSync(join(tmpdir(), 'orders-')));
    const res = await fetch(`${started.base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: '', qty: 0 }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
