/**
 * queue-nats suite: @ody/queue-nats against the raw NATS client doing the same work on the same
 * nats-server in the same run, peers alternating: push+process at c=1 and c=100 (c producers with a
 * push in flight each, one consumer at concurrency c) and push latency p99. The raw peer publishes
 * with a PubAck wait and consumes a durable pull consumer with `consume({ max_messages: c })` and a
 * manual ack per message. Server: NATS_URL, else 127.0.0.1:4222, else a spawned nats-server -js.
 */
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Queue, Worker } from '@ody/queue';
import { natsDriver } from '@ody/queue-nats';
import { deleteStreamsWithPrefix, type NatsHandle, startNats } from '../../../test-support/nats-server.js';
import { alternate, median, percentile } from '../measure.js';
import type { Row, Suite, SuiteOptions, SuiteResult } from '../types.js';

const payload = { user: 42, action: 'send-welcome-email', at: 1700000000000 };
let seq = 0;

interface Run {
  /** jobs/s from the first push to the last handler */
  rate: number;
  /** per-push latencies in ms (push call → PubAck) */
  pushMs: number[];
}

/** `total` jobs pushed by `c` concurrent producers while one consumer processes at concurrency `c`. */
async function odyRun(url: string, prefix: string, total: number, c: number): Promise<Run> {
  const driver = natsDriver({ servers: url, prefix });
  const queue = new Queue(`ody${seq++}`, { driver });
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => {
    finish = r;
  });
  const worker = new Worker(queue, () => {
    if (++done === total) finish();
  }, { concurrency: c });
  await queue.push('warm', payload);
  await new Promise<void>((r) => {
    const t = setInterval(() => {
      if (done > 0) {
        clearInterval(t);
        r();
      }
    }, 5);
  });
  done = 0;
  const pushMs: number[] = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: c }, async () => {
    while (next < total) {
      next++;
      const s = performance.now();
      await queue.push('job', payload);
      pushMs.push(performance.now() - s);
    }
  }));
  await all;
  const rate = (total / (performance.now() - t0)) * 1000;
  await worker.close();
  await driver.close();
  return { rate, pushMs };
}

/** The same work on the raw client: publish + PubAck, durable pull consumer, consume(max_messages: c), manual ack. */
async function rawRun(url: string, prefix: string, total: number, c: number): Promise<Run> {
  const nc = await connect({ servers: url });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const stream = `${prefix}_raw${seq++}`;
  const subject = `${stream}.jobs`;
  await jsm.streams.add({ name: stream, subjects: [subject], retention: RetentionPolicy.Workqueue });
  await jsm.consumers.add(stream, { durable_name: 'w', ack_policy: AckPolicy.Explicit, max_ack_pending: 100_000 });
  const consumer = await js.consumers.get(stream, 'w');
  const messages = await consumer.consume({ max_messages: c });
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => {
    finish = r;
  });
  const body = JSON.stringify(payload);
  void (async () => {
    for await (const m of messages) {
      JSON.parse(m.string());
      m.ack();
      if (++done === total) finish();
    }
  })();
  const pushMs: number[] = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: c }, async () => {
    while (next < total) {
      next++;
      const s = performance.now();
      await js.publish(subject, body);
      pushMs.push(performance.now() - s);
    }
  }));
  await all;
  const rate = (total / (performance.now() - t0)) * 1000;
  await messages.close();
  await jsm.streams.delete(stream);
  await nc.close();
  return { rate, pushMs };
}

async function run(options: SuiteOptions): Promise<SuiteResult> {
  const q = options.quick;
  let nats: NatsHandle;
  try {
    nats = await startNats();
  } catch (err) {
    return { rows: [], ratios: {}, notes: [`queue-nats rows skipped: ${(err as Error).message}`] };
  }
  const prefix = `bench${process.pid}`;
  const rows: Row[] = [];
  const ratios: Record<string, number> = {};
  try {
    const rounds = q ? 3 : 5;
    // Warm both code paths (JIT, connections, server-side stream creation) before anything is timed.
    await odyRun(nats.url, prefix, 2_000, 10);
    await rawRun(nats.url, prefix, 2_000, 10);
    for (const [c, total] of [[1, q ? 2_000 : 5_000], [100, q ? 10_000 : 50_000]] as const) {
      const p99: Record<string, number[]> = { nats: [], 'nats-raw': [] };
      const res = await alternate(rounds, {
        nats: async () => {
          const r = await odyRun(nats.url, prefix, total, c);
          p99.nats!.push(percentile(r.pushMs, 99));
          return r.rate;
        },
        'nats-raw': async () => {
          const r = await rawRun(nats.url, prefix, total, c);
          p99['nats-raw']!.push(percentile(r.pushMs, 99));
          return r.rate;
        },
      });
      for (const name of ['nats', 'nats-raw'] as const) {
        rows.push({ name: `${name}-c${c}`, metric: 'push+process/s', value: median(res[name]) });
        rows.push({ name: `${name}-c${c}`, metric: 'push p99 ms', value: median(p99[name]!) });
      }
      const each = res.nats.map((v, i) => v / res['nats-raw'][i]!);
      ratios[`nats-c${c}/nats-raw-c${c}`] = median(each);
      ratios[`nats-c${c}/nats-raw-c${c} min`] = Math.min(...each);
      ratios[`nats-c${c}/nats-raw-c${c} max`] = Math.max(...each);
    }
  } finally {
    await deleteStreamsWithPrefix(nats.url, prefix).catch(() => {});
    await nats.stop();
  }
  return {
    rows,
    ratios,
    notes: [
      `nats-server at ${nats.url}. c = producers with one push in flight each = worker concurrency = the raw consumer's max_messages.`,
      'Both peers wait for the JetStream PubAck on every push. @ody/queue-nats also confirms every ack (ack-ack) and keeps the completed counter in KV; the raw peer fires acks without confirmation.',
      'Ratios: median of per-round ratios (rounds alternate peers), with min and max. One untimed warm-up run per peer first.',
    ],
  };
}

const suite: Suite = { name: 'queue-nats', run };
export default suite;
