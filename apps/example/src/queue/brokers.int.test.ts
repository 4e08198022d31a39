import type { Application } from '@ody/core';
import { HttpServer } from '@ody/http';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeWithNats } from '../../../../test-support/nats-harness.js';
import { describeWithRabbit } from '../../../../test-support/rabbitmq-harness.js';
import { createApp } from '../app.js';

// The example app switches queue drivers by configuration alone: ODY_QUEUE_DRIVER names a driver the
// app lists in queuePlugin({ drivers }), and that driver's section (queue.amqp, queue.nats) carries its URL.
let app: Application | undefined;
let savedDriver: string | undefined;
beforeEach(() => {
  savedDriver = process.env.ODY_QUEUE_DRIVER;
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  if (savedDriver === undefined) delete process.env.ODY_QUEUE_DRIVER;
  else process.env.ODY_QUEUE_DRIVER = savedDriver;
});

async function welcomeRoundTrip(driver: string, queue: Record<string, unknown>): Promise<void> {
  process.env.ODY_QUEUE_DRIVER = driver;
  app = await createApp({ app: { name: 'ody-example', logLevel: 'silent' }, http: { host: '127.0.0.1', port: 0 }, queue, eventstore: { driver: 'memory' } });
  await app.start();
  const base = `http://127.0.0.1:${app.get(HttpServer).port}`;
  const email = `${driver}@example.com`;
  const res = await fetch(`${base}/welcome`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, name: 'Ada' }) });
  expect(res.status).toBe(202);
  let sent: Array<{ email: string }> = [];
  for (let i = 0; i < 1_000 && sent.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
    sent = (await (await fetch(`${base}/welcome/sent`)).json()) as Array<{ email: string }>;
  }
  expect(sent.map((s) => s.email)).toEqual([email]);
}

describeWithRabbit('example on RabbitMQ (ODY_QUEUE_DRIVER=amqp)', (rabbit) => {
  it('POST /welcome is queued on RabbitMQ and processed by the worker', async () => {
    await welcomeRoundTrip('amqp', { amqp: { url: rabbit.url, prefix: rabbit.prefix } });
  });
});

describeWithNats('example on NATS JetStream (ODY_QUEUE_DRIVER=nats)', (nats) => {
  it('POST /welcome is queued on JetStream and processed by the worker', async () => {
    await welcomeRoundTrip('nats', { nats: { servers: nats.url, prefix: nats.prefix } });
  });
});
