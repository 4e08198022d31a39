import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Application, createApplication } from '@ody/core';
import { CommandBus, cqrsPlugin } from '@ody/cqrs';
import { EventStore } from '@ody/eventsourcing';
import { HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import ioredis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../../../test-support/postgres-harness.js';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { until } from '../../../../test-support/wait.js';
import { exampleEventStore } from '../eventstore/index.js';
import { orderHandlers, OrdersView, ordersPlugin, orderStream, PlaceOrder } from './index.js';

/** The orders feature alone (http, memory queue, cqrs, the example's event store, orders) on a free port. */
async function startOrders(eventstore: Record<string, unknown>, env: Record<string, string> = {}): Promise<{ app: Application; base: string }> {
  const view = new OrdersView();
  const app = await createApplication({
    envFile: false,
    env,
    config: { app: { logLevel: 'silent' }, http: { host: '127.0.0.1', port: 0 }, queue: { driver: 'memory' }, cqrs: { worker: { waitMs: 50 } }, eventstore: { pollMs: 50, ...eventstore } },
    plugins: [httpPlugin(), queuePlugin(), cqrsPlugin({ handlers: orderHandlers }), exampleEventStore([view.projection]), ordersPlugin(view)],
  });
  await app.start();
  return { app, base: `http://127.0.0.1:${app.get(HttpServer).port}` };
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** POST /orders → PlaceOrder in a queue worker → OrderPlaced appended → projection → GET; then cancel. Returns the order id. */
async function orderFlow(app: Application, base: string): Promise<string> {
  const res = await post(`${base}/orders`, { sku: 'book', qty: 2 });
  expect(res.status).toBe(202);
  const { orderId } = (await res.json()) as { orderId: string };
  const status = await until('PlaceOrder succeeded', async () => {
    const s = (await (await fetch(base + res.headers.get('location'))).json()) as { state: string };
    return s.state === 'succeeded' ? s : undefined;
  });
  expect(status).toMatchObject({ state: 'succeeded', result: { orderId, version: 1 } });
  // Read-your-writes: the command succeeded, so the read model answers at once (it waits for the projection to reach the head).
  expect(await (await fetch(`${base}/orders/${orderId}`)).json()).toMatchObject({ id: orderId, sku: 'book', qty: 2, status: 'placed', version: 1 });

  // A redelivered PlaceOrder (same order id) decides nothing: the stream keeps one OrderPlaced.
  expect(await app.get(CommandBus).execute(new PlaceOrder(orderId, 'book', 2))).toEqual({ orderId, version: 1 });

  const cancelled = await post(`${base}/orders/${orderId}/cancel`, { reason: 'changed my mind' });
  expect(cancelled.status).toBe(200);
  expect(await cancelled.json()).toEqual({ orderId, version: 2 });
  expect((await post(`${base}/orders/${orderId}/cancel`, {})).status).toBe(409);
  expect((await post(`${base}/orders/nope/cancel`, {})).status).toBe(404);
  await until('the view shows the cancellation', async () => ((await (await fetch(`${base}/orders/${orderId}`)).json()) as { status: string }).status === 'cancelled');

  const events = (await (await fetch(`${base}/orders/${orderId}/events`)).json()) as Array<{ type: string; streamPosition: number; data: unknown }>;
  expect(events.map((e) => [e.type, e.streamPosition])).toEqual([['OrderPlaced', 1], ['OrderCancelled', 2]]);
  expect(events[1]?.data).toMatchObject({ orderId, reason: 'changed my mind' });
  expect(await app.get(EventStore).streamVersion(orderStream(orderId))).toBe(2);

  expect((await fetch(`${base}/orders/nope`)).status).toBe(404);
  expect((await fetch(`${base}/orders/nope/events`)).status).toBe(404);
  expect((await post(`${base}/orders`, '{"sku":"","qty":0}')).status).toBe(400);
  return orderId;
}

/** The flow, then a restart on the same store: the projection replays the stream and serves the order again. */
function eventSourcedOrders(store: string, eventstore: () => Record<string, unknown>, durable: boolean, env: Record<string, string> = {}) {
  it(`${store}: places, reads, cancels an order${durable ? '; a restarted app rebuilds the read model from the store' : ''}`, async () => {
    const config = eventstore();
    const first = await startOrders(config, env);
    let orderId: string;
    try {
      expect(first.app.get(EventStore).name).toBe(store);
      orderId = await orderFlow(first.app, first.base);
    } finally {
      await first.app.stop();
    }
    if (!durable) return;
    const again = await startOrders(config, env);
    try {
      expect(await (await fetch(`${again.base}/orders/${orderId}`)).json()).toMatchObject({ id: orderId, status: 'cancelled', version: 2 });
    } finally {
      await again.app.stop();
    }
  });
}

describe('event-sourced orders on the embedded stores', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ody-example-orders-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // No driver configured: the default is the durable file store (no server needed).
  eventSourcedOrders('file', () => ({ dir: join(dir, 'events') }), true);
  // The store is picked by env alone, as `ODY_EVENTSTORE_DRIVER=memory npm start` does.
  eventSourcedOrders('memory', () => ({}), false, { ODY_EVENTSTORE_DRIVER: 'memory' });
});

describeWithPostgres('event-sourced orders on PostgreSQL', (db) => {
  eventSourcedOrders('postgres', () => ({ driver: 'postgres', url: db.url, schema: db.schema() }), true);
});

describeWithRedis('event-sourced orders on Redis', (redis) => {
  const prefix = () => `${redis.prefix}-orders`;
  afterAll(async () => {
    const client = new ioredis.Redis(redis.url);
    const keys = await client.keys(`{${prefix()}}:*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });
  eventSourcedOrders('redis', () => ({ driver: 'redis', url: redis.url, prefix: prefix() }), true);
});
