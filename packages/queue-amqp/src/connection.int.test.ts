import { Queue, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { afterEach, expect, it } from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { amqpDriver } from './index.js';
import { TcpProxy, viaProxy } from './fixtures/proxy.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describeWithRabbit('amqp driver across a broken connection', (rabbit) => {
  const broker = () => new URL(rabbit.url);
  const proxied = async () => {
    const proxy = await TcpProxy.start(broker().hostname, Number(broker().port || 5672));
    cleanups.push(() => proxy.close());
    return proxy;
  };

  it('producers and consumers recover from cut connections without a restart; every confirmed job runs', async () => {
    const proxy = await proxied();
    const url = viaProxy(rabbit.url, proxy);
    const connection = { retryLow: 50, retryHigh: 500 };
    const producer = amqpDriver({ url, prefix: rabbit.prefix, connection });
    const consumer = amqpDriver({ url, prefix: rabbit.prefix, connection });
    cleanups.push(() => producer.close(), () => consumer.close());
    const pushQueue = new Queue('cut', { driver: producer });
    const done = new Set<number>();
    const worker = new Worker<number>(new Queue('cut', { driver: consumer }), async (job) => {
      done.add(job.data);
      await new Promise((r) => setTimeout(r, 2));
    }, { concurrency: 4, maxStalls: 50, leaseMs: 5000, waitMs: 500 });
    cleanups.push(() => worker.close({ timeoutMs: 1000 }));
    const total = 200;
    const confirmed: number[] = [];
    const pushes: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      pushes.push(pushQueue.push('n', i).then(() => void confirmed.push(i)));
      if (i === 60 || i === 140) {
        const before = proxy.accepted;
        proxy.cut();
        await until('both drivers reconnected', () => proxy.accepted >= before + 2, 30_000);
      }
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(pushes);
    expect(confirmed).toHaveLength(total);
    await until('every pushed job ran', () => done.size === total, 60_000);
    expect(await pushQueue.counts()).toMatchObject({ failed: 0 });
  }, 150_000);

  it('a push fails with ODY_QUEUE_AMQP_PUSH_FAILED after pushTimeoutMs while the broker is unreachable, and works again after', async () => {
    const proxy = await proxied();
    const driver = amqpDriver({ url: viaProxy(rabbit.url, proxy), prefix: rabbit.prefix, pushTimeoutMs: 600, connection: { retryLow: 50, retryHigh: 300 } });
    cleanups.push(() => driver.close());
    const queue = new Queue('down', { driver });
    await queue.push('n', 'before');
    proxy.setDown(true);
    await expect(queue.push('n', 'during')).rejects.toMatchObject({ code: 'ODY_QUEUE_AMQP_PUSH_FAILED' });
    proxy.setDown(false);
    await queue.push('n', 'after');
    const direct = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix });
    cleanups.push(() => direct.close());
    const seen: string[] = [];
    const w = new Worker<string>(new Queue('down', { driver: direct }), (job) => {
      seen.push(job.data);
    });
    cleanups.push(() => w.close({ timeoutMs: 500 }));
    await until('both confirmed jobs ran', () => seen.includes('before') && seen.includes('after'), 10_000);
  }, 60_000);
});
