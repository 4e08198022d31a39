import { jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { Queue, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { afterEach, expect, it, vi } from 'vitest';
import { describeWithNats } from '../../../test-support/nats-harness.js';
import { natsDriver } from './index.js';
import { ackConfirmed, type Link, publishConfirmed } from './link.js';
import { resolveOptions } from './options.js';
import { Puller } from './pull.js';
import { Replies, ReplyTimeoutError } from './replies.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describeWithNats('nats driver hot path', (nats) => {
  it('muxed requests: answers, no responders and timeouts each settle their own request', async () => {
    const nc = await connect({ servers: nats.url });
    const replies = new Replies(nc);
    try {
      const echo = nc.subscribe(`${nats.prefix}.echo`, { callback: (_e, m) => void m.respond(`re:${m.string()}`) });
      nc.subscribe(`${nats.prefix}.silent`, { callback: () => {} });
      await nc.flush();
      const answers = await Promise.all(['a', 'b', 'c'].map((x) => replies.request(`${nats.prefix}.echo`, x, 2_000)));
      expect(answers.map((m) => m.string())).toEqual(['re:a', 're:b', 're:c']);
      await expect(replies.request(`${nats.prefix}.nobody`, 'x', 2_000)).rejects.toThrow(/no responders/);
      const t0 = Date.now();
      await expect(replies.request(`${nats.prefix}.silent`, 'x', 200)).rejects.toBeInstanceOf(ReplyTimeoutError);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
      echo.unsubscribe();
    } finally {
      replies.close();
      await nc.close();
    }
  });

  it('publishConfirmed: PubAck with the duplicate flag from Nats-Msg-Id; a refusal fails at once, typed, without retrying', async () => {
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const stream = `${nats.prefix}_hot`;
    await jsm.streams.add({ name: stream, subjects: [`${nats.prefix}.hot`], retention: RetentionPolicy.Workqueue });
    const link = { nc, replies: new Replies(nc) } as unknown as Link;
    const o = resolveOptions({ servers: nats.url });
    try {
      const pub = (msgID: string, h = headers()) => publishConfirmed(link, o, `${nats.prefix}.hot`, new Uint8Array([1]), msgID, h, Date.now() + 5_000, () => false);
      const first = await pub('job-1');
      expect(first).toMatchObject({ stream, duplicate: false });
      expect(await pub('job-1')).toMatchObject({ stream, seq: first.seq, duplicate: true });
      const wrong = headers();
      wrong.set('Nats-Expected-Stream', 'not-this-one');
      const t0 = Date.now();
      await expect(pub('job-2', wrong)).rejects.toMatchObject({ code: 'ODY_QUEUE_NATS_SERVER' });
      expect(Date.now() - t0, 'not retried until the deadline').toBeLessThan(2_000);
      expect((await jsm.streams.info(stream)).state.messages).toBe(1);
      // An ack confirmation to a subject nobody answers comes back false within its deadline.
      expect(await ackConfirmed(link, o, `${nats.prefix}.nobody`, Date.now() + 300)).toBe(false);
    } finally {
      await jsm.streams.delete(stream).catch(() => {});
      (link as { replies: Replies }).replies.close();
      await nc.close();
    }
  });

  it('a worker that keeps up pulls once per job (a delivery with nothing pending marks the level drained)', async () => {
    const driver = natsDriver({ servers: nats.url, prefix: nats.prefix });
    const pull = vi.spyOn(Puller.prototype, 'pull');
    try {
      const queue = new Queue<number>('keepup', { driver });
      const done: number[] = [];
      const worker = new Worker<number>(queue, (job) => {
        done.push(job.data);
      }, { concurrency: 1 });
      const total = 30;
      for (let i = 0; i < total; i++) {
        await queue.push('n', i);
        await until(`job ${i} ran`, () => done.length === i + 1);
      }
      await worker.close();
      const onReady = pull.mock.calls.filter(([, consumer]) => consumer !== 'delayed').length;
      // One pull per job, plus a few at start-up; an empty pull after every job would double it.
      expect(onReady).toBeLessThan(total + 5);
      expect(done).toEqual(Array.from({ length: total }, (_, i) => i));
    } finally {
      await driver.close();
    }
  });
});
