/**
 * queue-amqp suite: @ody/queue-amqp against the raw rabbitmq-client doing the same work on the same
 * broker, in the same run, peers alternating: push+process (publish with confirm, consume with manual ack,
 * prefetch = concurrency) at c=1 and c=100, and push latency (call → broker confirm). The broker follows
 * the test server rule: AMQP_URL, else 127.0.0.1:5672, else a private rabbitmq-server from the binaries.
 */
import { Queue as OdyQueue, Worker as OdyWorker } from '@ody/queue';
import { amqpDriver } from '@ody/queue-amqp';
import { Connection } from 'rabbitmq-client';
import { rabbitSource, SpawnedRabbit } from '../../../test-support/rabbitmq-server.js';
import { alternate, median, percentile } from '../measure.js';
import type { Row, Suite, SuiteOptions, SuiteResult } from '../types.js';

interface Peer {
  /** jobs/s: push `total` jobs (100 in flight, each confirmed) while a consumer at `concurrency` acks them */
  pushProcess(total: number, concurrency: number): Promise<number>;
  /** ms from push call to broker confirm, one push at a time */
  pushLatency(samples: number): Promise<number[]>;
}

const WINDOW = 100;
const payload = Buffer.from(JSON.stringify({ user: 42, action: 'send-welcome-email', at: 1700000000000 }));
let seq = 0;
const prefix = `bench${process.pid}`;
const used: string[] = [];
const qname = (p: string) => {
  const q = `${p}-${seq++}`;
  used.push(q);
  return q;
};

function odyPeer(url: string, maxPriority?: number): Peer {
  const options = maxPriority === undefined ? { url, prefix } : { url, prefix, maxPriority };
  return {
    async pushProcess(total, concurrency) {
      const producer = amqpDriver(options);
      const consumer = amqpDriver(options);
      const name = qname(maxPriority === 0 ? 'odyp0' : 'ody');
      const queue = new OdyQueue(name, { driver: producer });
      await queue.counts(); // declare before timing, as the raw peer does
      let completed = 0;
      let finish!: () => void;
      const all = new Promise<void>((r) => {
        finish = r;
      });
      const t0 = performance.now();
      const worker = new OdyWorker(new OdyQueue(name, { driver: consumer }), () => undefined, { concurrency });
      worker.on('completed', () => {
        if (++completed === total) finish();
      });
      const bulk = Array.from({ length: WINDOW }, () => ({ name: 'job', payload }));
      for (let sent = 0; sent < total; sent += WINDOW) await queue.pushBulk(bulk);
      await all;
      const rate = (total / (performance.now() - t0)) * 1000;
      await worker.close();
      await consumer.close();
      await producer.close();
      return rate;
    },
    async pushLatency(samples) {
      const driver = amqpDriver(options);
      const queue = new OdyQueue(qname(maxPriority === 0 ? 'odyp0' : 'ody'), { driver });
      await queue.counts();
      const out: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await queue.push('job', payload);
        out.push(performance.now() - t0);
      }
      await driver.close();
      return out;
    },
  };
}

function rawPeer(url: string): Peer {
  return {
    async pushProcess(total, concurrency) {
      const pubConn = new Connection(url);
      const subConn = new Connection(url);
      const name = `${prefix}.${qname('raw')}`;
      const pub = await pubConn.acquire();
      await pub.queueDeclare({ queue: name, durable: true });
      await pub.confirmSelect();
      const sub = await subConn.acquire();
      await sub.basicQos({ prefetchCount: concurrency });
      let completed = 0;
      let finish!: () => void;
      const all = new Promise<void>((r) => {
        finish = r;
      });
      const t0 = performance.now();
      await sub.basicConsume({ queue: name }, (msg) => {
        sub.basicAck({ deliveryTag: msg.deliveryTag });
        if (++completed === total) finish();
      });
      for (let sent = 0; sent < total; sent += WINDOW) {
        await Promise.all(Array.from({ length: WINDOW }, () => pub.basicPublish({ routingKey: name, durable: true, contentType: 'application/octet-stream' }, payload)));
      }
      await all;
      const rate = (total / (performance.now() - t0)) * 1000;
      await sub.close();
      await pub.close();
      await subConn.close();
      await pubConn.close();
      return rate;
    },
    async pushLatency(samples) {
      const conn = new Connection(url);
      const name = `${prefix}.${qname('raw')}`;
      const pub = await conn.acquire();
      await pub.queueDeclare({ queue: name, durable: true });
      await pub.confirmSelect();
      const out: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await pub.basicPublish({ routingKey: name, durable: true }, payload);
        out.push(performance.now() - t0);
      }
      await pub.close();
      await conn.close();
      return out;
    },
  };
}

async function cleanup(url: string): Promise<void> {
  const conn = new Connection(url);
  for (const q of used.splice(0)) {
    for (const name of [`${prefix}.${q}`, `${prefix}.${q}.failed`]) await conn.queueDelete({ queue: name }).catch(() => undefined);
  }
  await conn.exchangeDelete({ exchange: `${prefix}.failed` }).catch(() => undefined);
  await conn.close();
}

async function run(options: SuiteOptions): Promise<SuiteResult> {
  const source = rabbitSource();
  if (source.mode === 'none') return { rows: [], ratios: {}, notes: [`queue-amqp skipped: ${source.reason}`] };
  const server = source.mode === 'spawn' ? await SpawnedRabbit.start(source.binary) : undefined;
  const url = server?.url ?? (source as { url: string }).url;
  const q = options.quick;
  const rounds = q ? 3 : 7;
  const sizes = { c1: q ? 2_000 : 10_000, c100: q ? 10_000 : 50_000, lat: q ? 300 : 2_000 };
  const ody = odyPeer(url);
  const plain = odyPeer(url, 0);
  const raw = rawPeer(url);
  const rows: Row[] = [];
  const ratios: Record<string, number> = {};
  try {
    for (const [label, c, total] of [['c1', 1, sizes.c1], ['c100', 100, sizes.c100]] as const) {
      const s = await alternate(rounds, {
        amqp: () => ody.pushProcess(total, c),
        raw: () => raw.pushProcess(total, c),
        plain: () => plain.pushProcess(total, c),
      });
      const perRound = s.amqp.map((v, i) => v / s.raw[i]!);
      rows.push(
        { name: 'amqp', metric: `push+process/s ${label}`, value: median(s.amqp) },
        { name: 'amqp maxPriority 0', metric: `push+process/s ${label}`, value: median(s.plain) },
        { name: 'rabbitmq-raw', metric: `push+process/s ${label}`, value: median(s.raw) },
      );
      ratios[`amqp-${label}/rabbitmq-raw-${label}`] = Number(median(perRound).toFixed(2));
      ratios[`amqp-noprio-${label}/rabbitmq-raw-${label}`] = Number(median(s.plain.map((v, i) => v / s.raw[i]!)).toFixed(2));
      rows.push({ name: 'amqp', metric: `ratio spread ${label} (max-min)`, value: Number((Math.max(...perRound) - Math.min(...perRound)).toFixed(2)) });
      await cleanup(url);
    }
    const lat = await alternate(1, { amqp: async () => percentile(await ody.pushLatency(sizes.lat), 99), raw: async () => percentile(await raw.pushLatency(sizes.lat), 99) });
    rows.push({ name: 'amqp', metric: 'push p99 ms', value: lat.amqp[0]! }, { name: 'rabbitmq-raw', metric: 'push p99 ms', value: lat.raw[0]! });
    ratios['amqp-push-p99/rabbitmq-raw-push-p99'] = Number((lat.amqp[0]! / lat.raw[0]!).toFixed(2));
    await cleanup(url);
  } finally {
    await server?.stop();
  }
  return {
    rows,
    ratios,
    notes: [
      `RabbitMQ ${source.mode === 'spawn' ? 'private rabbitmq-server' : source.mode === 'url' ? 'AMQP_URL' : '127.0.0.1:5672'}; persistent messages in durable classic queues; every push confirmed by the broker before it counts.`,
      `push+process: the producer keeps ${WINDOW} confirmed pushes in flight (Ody: pushBulk of ${WINDOW}; raw: ${WINDOW} basicPublish awaited together) while one consumer acks each message (Ody: Worker with a trivial handler at that concurrency; raw: basicConsume with prefetch = concurrency). Ratios are the median of per-round ratios; rounds alternate peers.`,
      '"amqp" is the default driver (priority queues, x-max-priority 10); "amqp maxPriority 0" declares plain queues like the raw peer. RabbitMQ spends more per message on a priority queue.',
      'Ody does more per job than the raw client: it carries the job state header, validates and encodes the payload, and runs the worker runtime (leases, events).',
    ],
  };
}

const suite: Suite = { name: 'queue-amqp', run };
export default suite;
