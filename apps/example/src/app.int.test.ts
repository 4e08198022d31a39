import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpServer } from '@ody/http';
import { createClient } from '@ody/websocket/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';

// The whole example as `npm start` builds it (every plugin), on a free port and a temp queue dir.
describe('example app, assembled', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ody-example-'));
  let app: Awaited<ReturnType<typeof createApp>>;
  let base: string;

  beforeAll(async () => {
    app = await createApp({ app: { name: 'ody-example', logLevel: 'warn' }, http: { port: 0, host: '127.0.0.1' }, queue: { dir }, eventstore: { dir: join(dir, 'events') } });
    await app.start();
    base = `127.0.0.1:${app.get(HttpServer).port}`;
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a placed order is processed by the queue worker, readable by query, and announced on the orders channel', async () => {
    const client = createClient({ url: `ws://${base}/ws?name=Grace`, reconnect: false });
    try {
      await client.connect();
      const orders = await client.subscribe<{ order_placed: { orderId: string; status: string } }>('orders');
      const announced = new Promise<{ orderId: string; status: string }>((resolve) => orders.on('order_placed', resolve));
      const res = await fetch(`http://${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sku: 'book', qty: 2 }),
      });
      expect(res.status).toBe(202);
      const receipt = (await res.json()) as { orderId: string; commandId: string; status: string };
      expect(receipt.status).toBe('queued');
      expect(res.headers.get('location')).toBe(`/orders/commands/${receipt.commandId}`);
      expect(await announced).toEqual({ orderId: receipt.orderId, status: 'placed' });
      const order = await (await fetch(`http://${base}/orders/${receipt.orderId}`)).json();
      expect(order).toMatchObject({ id: receipt.orderId, sku: 'book', qty: 2 });
    } finally {
      client.close();
    }
  });

  it('offloads the prime count to the task pool and asks the supervised processes over IPC', async () => {
    expect(await (await fetch(`http://${base}/primes/100000`)).json()).toEqual({ limit: 100000, primes: 9592 });
    const beats = (await (await fetch(`http://${base}/heartbeats`)).json()) as Array<{ instance: number }>;
    expect(beats.map((b) => b.instance).sort()).toEqual([0, 1]);
  });

  it('bad input gets problem+json, never a crash', async () => {
    const res = await fetch(`http://${base}/primes/1`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const bad = await fetch(`http://${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":' });
    expect(bad.status).toBe(400);
    expect((await fetch(`http://${base}/greetings/still-up`)).status).toBe(200);
  });

  it('serves Prometheus metrics of what it did, and liveness/readiness naming each plugin', async () => {
    expect((await fetch(`http://${base}/greetings/metrics-probe`)).status).toBe(200);
    const res = await fetch(`http://${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/http_server_request_duration_seconds_count\{[^}]*route="\/greetings\/:name"[^}]*\} [1-9]/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect((await fetch(`http://${base}/livez`)).status).toBe(200);
    const ready = await fetch(`http://${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.stringify(await ready.json())).toContain('http');
  });
});
