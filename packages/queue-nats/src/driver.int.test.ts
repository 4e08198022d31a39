import { createServer } from 'node:net';
import { createApplication, OdyError } from '@ody/core';
import { Queue, queuePlugin, Queues, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { headers } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect, it } from 'vitest';
import { describeWithNats } from '../../../test-support/nats-harness.js';
import { natsDriver, natsDriverFactory, QueueNatsError } from './index.js';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

describeWithNats('nats driver specifics', (nats) => {
  it('runs higher priority levels first across drivers (a level pushed by another process is learnt)', async () => {
    const a = natsDriver({ servers: nats.url, prefix: nats.prefix, pollMs: 50 });
    const b = natsDriver({ servers: nats.url, prefix: nats.prefix, pollMs: 50 });
    try {
      const name = 'prio-x';
      const producer = new Queue(name, { driver: a });
      await producer.push('j', 'low', { priority: -1 });
      await producer.push('j', 'high', { priority: 7 });
      const order: string[] = [];
      const w = new Worker<string>(new Queue(name, { driver: b }), (job) => {
        order.push(job.data);
      });
      await until('both ran', () => order.length === 2);
      await w.close();
      expect(order).toEqual(['high', 'low']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('sends a message not written by the driver to the failed store as corrupt', async () => {
    const driver = natsDriver({ servers: nats.url, prefix: nats.prefix });
    const nc = await connect({ servers: nats.url });
    try {
      const name = 'corrupt';
      const queue = new Queue(name, { driver });
      await queue.push('j', 1);
      const names = await driver.names(name);
      const h = headers();
      h.set('X-Other', '1');
      await jetstream(nc).publish(`${names.base}.r.0`, 'foreign', { headers: h });
      const w = new Worker(queue, () => undefined);
      await until('one failed, one done', async () => {
        const c = await queue.counts();
        return c.failed === 1 && c.completed === 1;
      });
      await w.close();
      const [record] = await queue.failed.list();
      expect(record).toMatchObject({ reason: 'corrupt' });
    } finally {
      await nc.close();
      await driver.close();
    }
  });

  it('fails a push with ODY_QUEUE_NATS_PUSH_TIMEOUT when no server answers, and emits connection errors', async () => {
    const driver = natsDriver({ servers: `nats://127.0.0.1:${await closedPort()}`, prefix: nats.prefix, pushTimeoutMs: 300 });
    const errors: unknown[] = [];
    driver.on('error', (e) => errors.push(e));
    try {
      const err = await new Queue('down', { driver }).push('j', 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueueNatsError);
      expect(err).toMatchObject({ code: 'ODY_QUEUE_NATS_PUSH_TIMEOUT' });
      expect((err as QueueNatsError).message).toMatch(/not connected .* within 300 ms/);
      await until('a connection error event', () => errors.length > 0);
      expect(OdyError.is(errors[0], 'ODY_QUEUE_NATS_CONNECTION')).toBe(true);
    } finally {
      await driver.close();
    }
    await expect(driver.counts('x')).rejects.toMatchObject({ code: 'ODY_QUEUE_CLOSED' });
  });

  it('reports the server version and the delay mechanism', async () => {
    const driver = natsDriver({ servers: nats.url, prefix: nats.prefix });
    try {
      const caps = await driver.capabilities();
      expect(caps.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(caps.delayMode).toBe('nak-delay');
      const [major, minor] = caps.serverVersion.split('.').map(Number);
      expect(caps.scheduledDelivery).toBe(major! > 2 || (major === 2 && minor! >= 12));
    } finally {
      await driver.close();
    }
  });

  it('rejects bad options with a typed error naming the option', () => {
    expect(() => natsDriver({ servers: nats.url, prefix: 'has_underscore' })).toThrow(expect.objectContaining({ code: 'ODY_QUEUE_OPTIONS_INVALID' }));
    expect(() => natsDriver({ servers: nats.url, pollMs: 0 })).toThrow(/pollMs/);
  });

  it("is the value queuePlugin takes, or picked by name: queuePlugin({ drivers: { nats: natsDriverFactory } }) with ODY_QUEUE_DRIVER=nats", async () => {
    const app = await createApplication({
      plugins: [queuePlugin({ drivers: { nats: natsDriverFactory } })],
      config: { queue: { nats: { servers: nats.url, prefix: nats.prefix } } },
      env: { ODY_QUEUE_DRIVER: 'nats' },
      envFile: false,
    });
    await app.start();
    try {
      const queues = app.get(Queues);
      expect(queues.driver.name).toBe('nats');
      const seen = new Promise<unknown>((resolve) => queues.process<{ n: number }>('plugin', (job) => resolve(job.data)));
      await queues.queue<{ n: number }>('plugin').push('hello', { n: 1 });
      expect(await seen).toEqual({ n: 1 });
    } finally {
      await app.stop();
    }
  });
});
