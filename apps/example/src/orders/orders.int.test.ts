import { type AnyPlugin, createApplication } from '@ody/core';
import { cqrsPlugin } from '@ody/cqrs';
import { HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import { expect, it } from 'vitest';
import { orderHandlers, ordersPlugin } from './index.js';

it('POST /orders queues PlaceOrder; the worker places it; GET /orders/:id reads it', async () => {
  const app = await createApplication({
    envFile: false,
    env: {},
    config: { app: { logLevel: 'silent' }, http: { host: '127.0.0.1', port: 0 }, queue: { driver: 'memory' }, cqrs: { worker: { waitMs: 50 } } },
    plugins: [httpPlugin(), queuePlugin(), cqrsPlugin({ handlers: orderHandlers }), ordersPlugin()] as AnyPlugin[],
  });
  await app.start();
  try {
    const base = `http://127.0.0.1:${app.get(HttpServer).port}`;
    const res = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: 'book', qty: 2 }) });
    expect(res.status).toBe(202);
    const { orderId } = (await res.json()) as { orderId: string };
    let status = { state: 'queued' };
    for (let i = 0; status.state !== 'succeeded' && i < 500; i++) {
      status = (await (await fetch(base + res.headers.get('location'))).json()) as typeof status;
      if (status.state !== 'succeeded') await new Promise((r) => setTimeout(r, 10));
    }
    expect(status).toMatchObject({ state: 'succeeded', result: { orderId } });
    expect(await (await fetch(`${base}/orders/${orderId}`)).json()).toMatchObject({ id: orderId, sku: 'book', qty: 2 });
    expect((await fetch(`${base}/orders/nope`)).status).toBe(404);
    expect((await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"","qty":0}' })).status).toBe(400);
  } finally {
    await app.stop();
  }
});
