import { Queue, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { AMQPConnectionError, Connection } from 'rabbitmq-client';
import { afterEach, expect, it } from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { type AmqpQueueDriver, amqpDriver } from './index.js';

const open: Array<AmqpQueueDriver | Worker<never>> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await ('connection' in x ? x.close() : x.close({ timeoutMs: 500 }));
});

/** Independent of the driver: does this broker know the x-delayed-message exchange type? */
async function brokerHasDelayPlugin(url: string, prefix: string): Promise<boolean> {
  const conn = new Connection(url);
  conn.on('error', () => undefined);
  try {
    await conn.exchangeDeclare({ exchange: `${prefix}.probe-xdm`, type: 'x-delayed-message', autoDelete: true, arguments: { 'x-delayed-type': 'direct' } });
    await conn.exchangeDelete({ exchange: `${prefix}.probe-xdm` });
    return true;
  } catch (err) {
    if (err instanceof AMQPConnectionError && err.code === 'COMMAND_INVALID') return false;
    throw err;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

describeWithRabbit('amqp driver: delay mode', (rabbit) => {
  const driver = (o: Parameters<typeof amqpDriver>[0] = {}) => {
    const d = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix, ...o });
    open.push(d);
    return d;
  };

  /** A job pushed with a delay, and one retried with a backoff, both run no earlier than due. */
  async function delaysWork(d: AmqpQueueDriver, queue: string): Promise<void> {
    const q = new Queue(queue, { driver: d });
    const pushedAt = Date.now();
    await q.push('later', 1, { delayMs: 300 });
    await q.push('flaky', 2, { attempts: 2, backoff: { type: 'fixed', delayMs: 250 } });
    const ran: Array<{ name: string; attempt: number; at: number }> = [];
    const w = new Worker(q, (job) => {
      ran.push({ name: job.name, attempt: job.attempt, at: Date.now() });
      if (job.name === 'flaky' && job.attempt === 1) throw new Error('once');
    });
    open.push(w as Worker<never>);
    await until('delayed and retried jobs ran', () => ran.length === 3, 10_000);
    const later = ran.find((r) => r.name === 'later')!;
    expect(later.at - pushedAt).toBeGreaterThanOrEqual(300);
    const [first, second] = ran.filter((r) => r.name === 'flaky');
    expect(second!.attempt).toBe(2);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(250);
  }

  it("'auto' detects what the broker offers, says so once through `log`, and delayed jobs and backoffs run on time", async () => {
    const plugin = await brokerHasDelayPlugin(rabbit.url, rabbit.prefix);
    const lines: string[] = [];
    const d = driver({ log: (line) => lines.push(line) });
    expect(d.delayMode).toBeUndefined();
    const expected = plugin ? 'delayed-exchange' : 'ttl-queues';
    expect(await d.capabilities()).toEqual({ delayMode: expected });
    expect(d.delayMode).toBe(expected);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`delayMode '${expected}'`);
    const q = new Queue('auto-delay', { driver: d });
    await q.push('waits', 0, { delayMs: 60_000 });
    // TTL queues are counted; the plugin's exchange keeps its messages out of sight.
    expect((await q.counts()).delayed).toBe(plugin ? 0 : 1);
    expect(lines).toHaveLength(1); // detected once per driver, however many queues
    await delaysWork(d, 'auto-delay-run');
  });

  it("'ttl-queues' never probes; delays go through TTL queues that dead-letter back", async () => {
    const lines: string[] = [];
    const d = driver({ delayMode: 'ttl-queues', log: (line) => lines.push(line) });
    expect((await d.capabilities()).delayMode).toBe('ttl-queues');
    expect(lines[0]).toContain("option delayMode: 'ttl-queues'");
    await delaysWork(d, 'ttl-delay-run');
  });

  it("'delayed-exchange' uses the plugin when the broker has it, else fails typed before storing anything", async () => {
    const plugin = await brokerHasDelayPlugin(rabbit.url, rabbit.prefix);
    const d = driver({ delayMode: 'delayed-exchange', log: () => undefined });
    if (plugin) {
      expect((await d.capabilities()).delayMode).toBe('delayed-exchange');
      await delaysWork(d, 'xdm-delay-run');
      return;
    }
    const errors: unknown[] = [];
    d.onError((err) => errors.push(err));
    const q = new Queue('xdm-missing', { driver: d });
    await expect(q.push('j', 1, { delayMs: 100 })).rejects.toMatchObject({ code: 'ODY_QUEUE_AMQP_TOPOLOGY' });
    await expect(d.capabilities()).rejects.toMatchObject({ code: 'ODY_QUEUE_AMQP_TOPOLOGY' });
    // The probe's connection error (COMMAND_INVALID) never reached the driver's own connection.
    expect(errors).toEqual([]);
  });
});
