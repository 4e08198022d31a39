import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnyPlugin, createApplication } from '@ody/core';
import { Async, Command, CommandBus, cqrsPlugin } from '@ody/cqrs';
import { HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import { amqpDriverFactory } from '@ody/queue-amqp';
import { natsDriverFactory } from '@ody/queue-nats';
import { redisDriverFactory } from '@ody/queue-redis';
import { Broadcaster, websocketPlugin } from '@ody/websocket';
import { SpanKind } from '@opentelemetry/api';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { describeWithNats } from '../../../test-support/nats-harness.js';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { describeWithRedis } from '../../../test-support/redis-harness.js';
import { until } from '../../../test-support/wait.js';
import { otelPlugin } from './plugin.js';
import { isChildOf, named, registerTestSdk, spansOf } from './test-support/sdk.js';
import { subscribed } from './test-support/ws.js';

const { exporter, provider } = registerTestSdk();
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

@Async({ queue: 'orders' })
class PlaceOrder extends Command<string> {
  constructor(readonly sku: string) {
    super();
  }
}

const silent = { destination: { write: () => true } } as never;

/**
 * An app: POST /orders dispatches PlaceOrder (async, queue 'orders'); its handler runs in a queue
 * worker and announces the order on the WebSocket channel 'orders'.
 */
async function orderApp(queue: Record<string, unknown>, plugins: AnyPlugin[]) {
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: silent,
    config: { app: { logLevel: 'silent' }, http: { port: 0, host: '127.0.0.1' }, queue,
      // Broker drivers: keep the command status records in memory (the 'auto' store would write files under var/).
      cqrs: { worker: { waitMs: 50 }, ...(queue.driver === 'amqp' || queue.driver === 'nats' ? { status: { store: 'memory' } } : {}) },
    },
    plugins: [
      httpPlugin({
        routes: (router) =>
          router.post('/orders', async (ctx) => {
            const body = (await ctx.body.json()) as { sku: string };
            ctx.status(202);
            return app.get(CommandBus).dispatch(new PlaceOrder(body.sku));
          }),
      }),
      websocketPlugin(),
      ...plugins,
      cqrsPlugin({
        setup: ({ commandBus }) =>
          void commandBus.register(PlaceOrder, (c) => {
            app.get(Broadcaster).publish('orders', 'placed', { sku: c.sku });
            return `order:${c.sku}`;
          }),
      }),
      otelPlugin(),
    ],
  });
  return app;
}

/** POST /orders, wait for the command, return the spans of the request's trace. */
async function placeOrder(exp: InMemorySpanExporter, queue: Record<string, unknown>, plugins: AnyPlugin[], headers: Record<string, string> = {}) {
  const app = await orderApp(queue, plugins);
  await app.start();
  const port = app.get(HttpServer).port;
  const client = await subscribed(`ws://127.0.0.1:${port}/ws`, 'orders');
  try {
    const res = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ sku: 'ody-1' }),
    });
    expect(res.status).toBe(202);
    const { commandId } = (await res.json()) as { commandId: string };
    expect(await app.get(CommandBus).wait(commandId, { timeoutMs: 10_000 })).toBe('order:ody-1');
    await until('the WebSocket message', () => client.frames.some((f) => f.event === 'placed'));
    const server = await until('the SERVER span', () => exp.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER));
    const traceId = server.spanContext().traceId;
    return await until('the CONSUMER span of the trace', () => {
      const spans = spansOf(exp, traceId);
      return spans.some((s) => s.kind === SpanKind.CONSUMER) ? spans : undefined;
    });
  } finally {
    client.close();
    await app.stop();
  }
}

/** SERVER → PRODUCER → CONSUMER → command handler → WebSocket publish, one trace. */
function expectOneTrace(spans: ReadableSpan[], driver: string): void {
  const server = named(spans, 'POST /orders');
  const producer = named(spans, 'send orders');
  const consumer = named(spans, 'process orders');
  const handler = spans.find((s) => s.name === 'command PlaceOrder' && isChildOf(s, consumer));
  expect(server?.kind).toBe(SpanKind.SERVER);
  expect(producer?.kind).toBe(SpanKind.PRODUCER);
  expect(consumer?.kind).toBe(SpanKind.CONSUMER);
  expect(isChildOf(producer, server), 'PRODUCER is a child of SERVER').toBe(true);
  expect(isChildOf(consumer, producer), 'CONSUMER is a child of PRODUCER').toBe(true);
  expect(handler, 'the command handler span is a child of CONSUMER').toBeDefined();
  const publish = named(spans, 'publish orders');
  expect(isChildOf(publish, handler), 'the WebSocket publish is a child of the handler').toBe(true);
  expect(publish?.kind).toBe(SpanKind.PRODUCER);
  expect(publish?.attributes).toMatchObject({
    'messaging.ody.transport': 'websocket',
    'messaging.destination.name': 'orders',
    'messaging.ody.websocket.event': 'placed',
    'messaging.ody.websocket.local_recipients': 1,
  });
  expect(producer?.attributes).toMatchObject({
    'messaging.system': 'ody',
    'messaging.ody.driver': driver,
    'messaging.destination.name': 'orders',
    'messaging.operation.type': 'send',
    'messaging.ody.job.name': 'PlaceOrder',
  });
  expect(consumer?.attributes).toMatchObject({
    'messaging.system': 'ody',
    'messaging.ody.driver': driver,
    'messaging.destination.name': 'orders',
    'messaging.operation.type': 'process',
    'messaging.ody.attempt': 1,
    'messaging.message.id': producer?.attributes['messaging.message.id'],
  });
  expect(handler?.attributes).toMatchObject({ 'ody.message.kind': 'command', 'ody.message.name': 'PlaceOrder' });
}

describe('one trace from HTTP through an async command', () => {
  it('memory driver: SERVER → PRODUCER → CONSUMER → handler → WebSocket publish', async () => {
    const spans = await placeOrder(exporter, { driver: 'memory' }, [queuePlugin()]);
    expectOneTrace(spans, 'memory');
  });

  it('filesystem driver: SERVER → PRODUCER → CONSUMER → handler → WebSocket publish, and the caller trace continues', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-otel-fs-'));
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const spans = await placeOrder(exporter, { driver: 'filesystem', dir: join(dir, 'q'), durable: false }, [queuePlugin()], {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      });
      expectOneTrace(spans, 'filesystem');
      expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithRedis('one trace through the redis driver', (redis) => {
  it('redis driver: SERVER → PRODUCER → CONSUMER → handler → WebSocket publish', async () => {
    const prefix = `${redis.prefix}otel`;
    const spans = await placeOrder(exporter, { driver: 'redis', redis: { url: redis.url, prefix } }, [queuePlugin({ drivers: { redis: redisDriverFactory } })]);
    expectOneTrace(spans, 'redis');
  });
});

describeWithRabbit('one trace through the amqp driver', (rabbit) => {
  it('amqp driver: SERVER → PRODUCER → CONSUMER → handler → WebSocket publish', async () => {
    const spans = await placeOrder(exporter, { driver: 'amqp', amqp: { url: rabbit.url, prefix: rabbit.prefix } }, [
      queuePlugin({ drivers: { amqp: amqpDriverFactory } }),
    ]);
    expectOneTrace(spans, 'amqp');
  });
});

describeWithNats('one trace through the nats driver', (nats) => {
  it('nats driver: SERVER → PRODUCER → CONSUMER → handler → WebSocket publish', async () => {
    const spans = await placeOrder(exporter, { driver: 'nats', nats: { servers: nats.url, prefix: nats.prefix } }, [
      queuePlugin({ drivers: { nats: natsDriverFactory } }),
    ]);
    expectOneTrace(spans, 'nats');
  });
});
