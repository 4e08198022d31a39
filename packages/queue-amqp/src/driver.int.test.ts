import { Queue, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { Connection } from 'rabbitmq-client';
import { afterEach, expect, it } from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { type AmqpQueueDriver, amqpDriver } from './index.js';

const open: Array<AmqpQueueDriver | Worker<never>> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await ('connection' in x ? x.close() : x.close({ timeoutMs: 500 }));
});

describeWithRabbit('amqp driver specifics', (rabbit) => {
  const driver = (o: Parameters<typeof amqpDriver>[0] = {}) => {
    const d = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix, ...o });
    open.push(d);
    return d;
  };

  it('reproduces a topic-exchange routing (ODY async_commands) by configuration; an unbound key fails typed and stores nothing', async () => {
    const routing = {
      exchange: `${rabbit.prefix}.async_commands`,
      routingKey: (_queue: string, name: string) => `command.${name}`,
      bindings: { orders: ['command.order.*'], mail: ['command.mail.#'] },
    };
    const d = driver(routing);
    const orders = new Queue('orders', { driver: d });
    const mail = new Queue('mail', { driver: d });
    await mail.counts(); // declares mail's queue and its binding
    await orders.push('order.place', { id: 1 });
    await orders.push('mail.welcome', { to: 'a' }); // routed by key, as ODY's exchange does
    expect((await orders.counts()).waiting).toBe(1);
    expect((await mail.counts()).waiting).toBe(1);
    await expect(orders.push('user.create', {})).rejects.toMatchObject({ code: 'ODY_QUEUE_AMQP_UNROUTABLE' });
    // A raw AMQP producer (another service) publishing to the same exchange is served by the Ody worker.
    const raw = new Connection(rabbit.url);
    const pub = raw.createPublisher({ confirm: true });
    const got: string[] = [];
    const w = new Worker(orders, (job) => {
      got.push(job.name);
    });
    open.push(w as Worker<never>);
    await until('ody job ran', () => got.includes('order.place'));
    await pub.send({ exchange: routing.exchange, routingKey: 'command.order.cancel', durable: true }, 'x');
    await until('foreign message reached the failed store as corrupt', async () => (await orders.counts()).failed === 1);
    expect((await orders.failed.list())[0]).toMatchObject({ reason: 'corrupt' });
    await pub.close();
    await raw.close();
  });

  it('acks the completions of a tick together without acking a job still running on the same channel', async () => {
    // Acks go out batched (one basic.ack with `multiple` over a settled run of tags): a job delivered
    // first and still running must stay unacked while later ones complete, and come back when its
    // channel closes.
    const d = driver();
    const q = new Queue<number>('batched-acks', { driver: d });
    await q.pushBulk([0, 1, 2, 3, 4, 5].map((n) => ({ name: 'j', payload: n })));
    const done: number[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((r) => {
      release = r;
    });
    const w = new Worker<number>(q, async (job) => {
      if (job.data === 0) await blocked;
      done.push(job.data);
    }, { concurrency: 6 });
    await until('the other five jobs completed', () => done.length === 5);
    expect(done).not.toContain(0);
    // Close the consumer's channel with job 0 unacked: the broker must still hold it.
    await w.close({ timeoutMs: 1 });
    await d.close();
    release();
    const again = driver();
    const q2 = new Queue<number>('batched-acks', { driver: again });
    const seen: number[] = [];
    const w2 = new Worker<number>(q2, (job) => {
      seen.push(job.data);
    });
    open.push(w2 as Worker<never>);
    await until('the running job was redelivered', () => seen.length === 1);
    expect(seen).toEqual([0]);
    expect((await q2.counts()).waiting).toBe(0);
  });

  it('dedupes a jobId across drivers (processes) until the job is done', async () => {
    const a = new Queue('dedupe', { driver: driver() });
    const b = new Queue('dedupe', { driver: driver() });
    expect((await a.push('j', 1, { jobId: 'order-9' })).added).toBe(true);
    expect((await b.push('j', 2, { jobId: 'order-9' })).added).toBe(false);
    const results = await Promise.all([a.push('j', 3, { jobId: 'order-10' }), b.push('j', 4, { jobId: 'order-10' })]);
    expect(results.map((r) => r.added).sort()).toEqual([false, true]);
    const seen: number[] = [];
    const w = new Worker<number>(b, (job) => {
      seen.push(job.data);
    });
    open.push(w as Worker<never>);
    await until('two ran', () => seen.length === 2);
    await until('order-9 free again', async () => (await a.push('j', 5, { jobId: 'order-9' })).added, 5_000);
    await until('three ran', () => seen.length === 3);
    expect(seen).toContain(1);
    expect(seen).toContain(5);
    expect(seen).not.toContain(2); // the duplicate of order-9 never ran
    expect(seen.filter((n) => n === 3 || n === 4)).toHaveLength(1); // one of the racing order-10 pushes
  });

  it('shares the pause flag between drivers', async () => {
    const a = new Queue('paused', { driver: driver() });
    const b = new Queue('paused', { driver: driver({ pausePollMs: 50 }) });
    await a.pause();
    expect(await b.isPaused()).toBe(true);
    await a.resume();
    expect(await b.isPaused()).toBe(false);
  });

  it('throws ODY_QUEUE_CLOSED after close()', async () => {
    const d = driver();
    await d.close();
    await expect(new Queue('closed', { driver: d }).push('j', 1)).rejects.toMatchObject({ code: 'ODY_QUEUE_CLOSED' });
  });
});

describeWithRabbit('amqp driver: redelivered messages', (rabbit) => {
  /** Take one message of the work queue with a raw consumer, then drop its connection (the broker requeues it, redelivered). */
  async function holdAndDrop(queue: string): Promise<void> {
    const raw = new Connection(rabbit.url);
    const ch = await raw.acquire();
    await until('raw consumer got the job', async () => (await ch.basicGet({ queue: `${rabbit.prefix}.${queue}` })) !== undefined, 5_000);
    raw.unsafeDestroy(); // like a SIGKILLed holder: no ack, no clean close
  }

  it('a job whose holder died runs again with stalls + 1, and fails as stalled past maxStalls', async () => {
    const d = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix });
    open.push(d);
    const again = new Queue('redeliver-ok', { driver: d });
    await again.push('j', 'a');
    await holdAndDrop('redeliver-ok');
    const seen = new Promise<unknown>((resolve) => {
      const w = new Worker(again, (job) => resolve({ attempt: job.attempt, stalls: job.stalls }), { maxStalls: 1 });
      open.push(w as Worker<never>);
    });
    expect(await seen).toEqual({ attempt: 1, stalls: 1 });

    const doomed = new Queue('redeliver-fail', { driver: d });
    const { id } = await doomed.push('j', 'b');
    await holdAndDrop('redeliver-fail');
    let ran = false;
    const w = new Worker(doomed, () => {
      ran = true;
    }, { maxStalls: 0 });
    open.push(w as Worker<never>);
    await until('failed as stalled', async () => (await doomed.failed.get(id)) !== undefined);
    expect(await doomed.failed.get(id)).toMatchObject({ reason: 'stalled', stalls: 1 });
    expect(ran).toBe(false);
  });
});
