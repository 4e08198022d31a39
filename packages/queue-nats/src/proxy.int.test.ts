import { Queue, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { expect, it } from 'vitest';
import { describeWithNats } from '../../../test-support/nats-harness.js';
import { natsDriver } from './index.js';
import { CuttableProxy } from './fixtures/proxy.js';

describeWithNats('nats driver behind a TCP proxy that cuts connections', (nats) => {
  it('producers and consumers recover without a restart; every confirmed push is processed', async () => {
    const upstream = new URL(nats.url.replace(/^nats:/, 'http:'));
    const proxy = new CuttableProxy(upstream.hostname, Number(upstream.port || 4222));
    await proxy.start();
    const producerDriver = natsDriver({ servers: proxy.url, prefix: nats.prefix, ackWaitMs: 2000 });
    const consumerDriver = natsDriver({ servers: proxy.url, prefix: nats.prefix, ackWaitMs: 2000 });
    const observer = natsDriver({ servers: nats.url, prefix: nats.prefix });
    const errors = { producer: 0, consumer: 0 };
    producerDriver.on('error', () => errors.producer++);
    consumerDriver.on('error', () => errors.consumer++);
    try {
      const name = 'proxy';
      const producer = new Queue(name, { driver: producerDriver });
      const done = new Set<number>();
      const worker = new Worker<number>(new Queue(name, { driver: consumerDriver }), async (job) => {
        await new Promise((r) => setTimeout(r, 2));
        done.add(job.data);
      }, { concurrency: 4, leaseMs: 2000, waitMs: 1000 });
      worker.on('error', () => {});
      const total = 300;
      let pushed = 0;
      const pushing = (async () => {
        for (let i = 0; i < total; i += 10) {
          await producer.pushBulk(Array.from({ length: 10 }, (_, k) => ({ name: 'n', payload: i + k })));
          pushed = i + 10;
        }
      })();
      for (const at of [60, 150]) {
        await until(`processed ${at}`, () => done.size >= at, 30_000);
        const before = proxy.accepted;
        proxy.cut();
        await until('both clients reconnected through the proxy', () => proxy.accepted >= before + 2, 20_000);
      }
      await pushing;
      expect(pushed).toBe(total);
      await until('every pushed job processed', () => done.size === total, 40_000);
      await until('stream drained', async () => {
        const c = await observer.counts(name);
        return c.waiting === 0 && c.active === 0 && c.delayed === 0;
      }, 20_000);
      expect(errors.producer, 'the producer saw the cuts').toBeGreaterThan(0);
      expect(errors.consumer, 'the consumer saw the cuts').toBeGreaterThan(0);
      await worker.close();
    } finally {
      await producerDriver.close();
      await consumerDriver.close();
      await observer.close();
      await proxy.stop();
    }
  }, 120_000);
});
