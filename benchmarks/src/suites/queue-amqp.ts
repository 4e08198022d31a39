/**
 * queue-amqp suite: @ody/queue-amqp against the raw rabbitmq-client doing the same work on the same
 * broker, in the same run, peers alternating every round: push+process at c=1 and c=100 and push latency
 * p99; BullMQ on Redis doing the same push+process for context (another engine, not a ratio target).
 *
 * Same work: the raw peer declares its queue with the arguments the driver declares (dead-letter
 * exchange, x-max-priority for the default driver; none for maxPriority 0), publishes the message the
 * driver publishes (persistent, message_id, type, priority, timestamp, the job-state header of the same
 * size) on a confirm channel with the same number of confirms in flight, and consumes with manual ack at
 * prefetch = concurrency (the driver's prefetch under a Worker), reading the state header of each
 * delivery (the attempts bookkeeping the driver must do). The broker follows the test server rule:
 * AMQP_URL, else 127.0.0.1:5672, else a private rabbitmq-server from the binaries.
 */
import { Queue as OdyQueue, Worker as OdyWorker } from '@ody/queue';
import { amqpDriver, failedExchange } from '@ody/queue-amqp';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { Connection } from 'rabbitmq-client';
import { rabbitSource, SpawnedRabbit } from '../../../test-support/rabbitmq-server.js';
import { type RedisHandle, startRedis } from '../../../test-support/redis-server.js';
import { alternate, median, percentile, ratioEntries, ratioOf, roundsFor, type Spread } from '../measure.js';
import type { Row, Suite, SuiteOptions, SuiteResult } from '../types.js';

/** push+process: jobs/s and the process's CPU per job (user+sys µs; producer, consumer and runtime). */
interface Run {
  rate: number;
  cpuUs: number;
}

interface Peer {
  /** push `total` jobs (WINDOW in flight, each confirmed) while one consumer at `concurrency` processes them */
  pushProcess(total: number, concurrency: number): Promise<Run>;
  /** ms from push call to broker confirm, one push at a time */
  pushLatency?(samples: number): Promise<number[]>;
}

const WINDOW = 100;
/** The driver's default maxPriority (5): queues get x-max-priority 10, a priority-0 job is AMQP priority 5. */
const MAX_PRIORITY = 5;
const payloadObject = { user: 42, action: 'send-welcome-email', at: 1700000000000 };
/**
 * The raw peer's body: the JSON bytes of payloadObject, which Ody pushes through its default JSON codec
 * (the same 60 bytes on the wire). A Buffer pushed to Ody would go through the codec as
 * {"type":"Buffer","data":[…]} (231 bytes, and an array to encode and parse per job): not the same work.
 */
const payload = Buffer.from(JSON.stringify(payloadObject));
let seq = 0;
const prefix = `bench${process.pid}`;
const used: string[] = [];
const qname = (p: string) => {
  const q = `${p}-${seq++}`;
  used.push(q);
  return q;
};

function measured(total: number, t0: number, cpu0: NodeJS.CpuUsage): Run {
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { rate: (total / ms) * 1000, cpuUs: (cpu.user + cpu.system) / total };
}

function odyPeer(url: string, maxPriority: number): Peer {
  const options = { url, prefix, maxPriority };
  return {
    async pushProcess(total, concurrency) {
      const producer = amqpDriver(options);
      const consumer = amqpDriver(options);
      const name = qname(maxPriority === 0 ? 'odyp0' : 'ody');
      const queue = new OdyQueue(name, { driver: producer });
      const workerQueue = new OdyQueue(name, { driver: consumer });
      await queue.counts(); // connect and declare before timing, as the raw peer does
      await workerQueue.counts();
      let completed = 0;
      let finish!: () => void;
      const all = new Promise<void>((r) => {
        finish = r;
      });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const worker = new OdyWorker(workerQueue, () => undefined, { concurrency });
      worker.on('completed', () => {
        if (++completed === total) finish();
      });
      const bulk = Array.from({ length: WINDOW }, () => ({ name: 'job', payload: payloadObject }));
      for (let sent = 0; sent < total; sent += WINDOW) await queue.pushBulk(bulk);
      await all;
      const run = measured(total, t0, cpu0);
      await worker.close();
      await consumer.close();
      await producer.close();
      return run;
    },
    async pushLatency(samples) {
      const driver = amqpDriver(options);
      const queue = new OdyQueue(qname(maxPriority === 0 ? 'odyp0' : 'ody'), { driver });
      await queue.counts();
      const out: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await queue.push('job', payloadObject);
        out.push(performance.now() - t0);
      }
      await driver.close();
      return out;
    },
  };
}

/** The job-state header the driver writes for a fresh job (same fields, same size). */
function stateHeader(now: number): string {
  return JSON.stringify({
    attempts: 1, attemptsMade: 0, stalls: 0, backoff: { type: 'fixed', delay: 0 }, timeout: 0, createdAt: now,
    priority: 0, runAt: now, dedupe: false, errors: [],
  });
}

function rawPeer(url: string, maxPriority: number): Peer {
  const queueArgs = (name: string): Record<string, unknown> => {
    const args: Record<string, unknown> = { 'x-dead-letter-exchange': failedExchange(prefix), 'x-dead-letter-routing-key': name };
    if (maxPriority > 0) args['x-max-priority'] = 2 * maxPriority;
    return args;
  };
  let ids = 0;
  const publish = (pub: Awaited<ReturnType<Connection['acquire']>>, name: string) => {
    const now = Date.now();
    return pub.basicPublish(
      {
        routingKey: name, durable: true, messageId: `raw-${ids++}`, type: 'job', priority: maxPriority,
        contentType: 'application/octet-stream', timestamp: Math.floor(now / 1000), headers: { 'x-ody': stateHeader(now) },
      },
      payload,
    );
  };
  return {
    async pushProcess(total, concurrency) {
      const pubConn = new Connection(url);
      const subConn = new Connection(url);
      const name = `${prefix}.${qname(maxPriority === 0 ? 'rawp0' : 'raw')}`;
      const pub = await pubConn.acquire();
      await pub.queueDeclare({ queue: name, durable: true, arguments: queueArgs(name) });
      await pub.confirmSelect();
      const sub = await subConn.acquire();
      await sub.basicQos({ prefetchCount: concurrency });
      let completed = 0;
      let attempts = 0;
      let finish!: () => void;
      const all = new Promise<void>((r) => {
        finish = r;
      });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await sub.basicConsume({ queue: name }, (msg) => {
        attempts += (JSON.parse(msg.headers!['x-ody'] as string) as { attemptsMade: number }).attemptsMade;
        sub.basicAck({ deliveryTag: msg.deliveryTag });
        if (++completed === total) finish();
      });
      for (let sent = 0; sent < total; sent += WINDOW) {
        await Promise.all(Array.from({ length: WINDOW }, () => publish(pub, name)));
      }
      await all;
      const run = measured(total, t0, cpu0);
      if (attempts !== 0) throw new Error('raw peer read a wrong state header');
      await sub.close();
      await pub.close();
      await subConn.close();
      await pubConn.close();
      return run;
    },
    async pushLatency(samples) {
      const conn = new Connection(url);
      const name = `${prefix}.${qname(maxPriority === 0 ? 'rawp0' : 'raw')}`;
      const pub = await conn.acquire();
      await pub.queueDeclare({ queue: name, durable: true, arguments: queueArgs(name) });
      await pub.confirmSelect();
      const out: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await publish(pub, name);
        out.push(performance.now() - t0);
      }
      await pub.close();
      await conn.close();
      return out;
    },
  };
}

/** BullMQ on a private redis-server (no persistence): the same producer window and worker concurrency. */
function bullPeer(redis: RedisHandle): Peer {
  const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
  const opts = { removeOnComplete: true, removeOnFail: true };
  return {
    async pushProcess(total, concurrency) {
      const name = `bench-bull-${process.pid}-${seq++}`;
      const queue = new BullQueue(name, { connection });
      await queue.waitUntilReady();
      const worker = new BullWorker(name, async () => undefined, { connection, concurrency, autorun: false });
      await worker.waitUntilReady();
      let completed = 0;
      let finish!: () => void;
      const all = new Promise<void>((r) => {
        finish = r;
      });
      worker.on('completed', () => {
        if (++completed === total) finish();
      });
      const bulk = Array.from({ length: WINDOW }, () => ({ name: 'job', data: payloadObject, opts }));
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      void worker.run();
      for (let sent = 0; sent < total; sent += WINDOW) await queue.addBulk(bulk);
      await all;
      const run = measured(total, t0, cpu0);
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      return run;
    },
  };
}

async function cleanup(url: string): Promise<void> {
  const conn = new Connection(url);
  for (const q of used.splice(0)) {
    for (const name of [`${prefix}.${q}`, `${prefix}.${q}.failed`]) await conn.queueDelete({ queue: name }).catch(() => undefined);
  }
  await conn.exchangeDelete({ exchange: failedExchange(prefix) }).catch(() => undefined);
  await conn.close();
}

const fmt = (n: number) => Number(n.toFixed(n >= 100 ? 0 : 1));

async function run(options: SuiteOptions): Promise<SuiteResult> {
  const source = rabbitSource();
  if (source.mode === 'none') return { rows: [], ratios: {}, notes: [`queue-amqp skipped: ${source.reason}`] };
  const server = source.mode === 'spawn' ? await SpawnedRabbit.start(source.binary) : undefined;
  const url = server?.url ?? (source as { url: string }).url;
  let redis: RedisHandle | undefined;
  const notes: string[] = [];
  try {
    redis = await startRedis();
  } catch (err) {
    notes.push(`BullMQ rows skipped: ${(err as Error).message}`);
  }
  const q = options.quick;
  const rounds = roundsFor(q, { quick: 3, full: 5 });
  const sizes = { c1: q ? 1_000 : 3_000, c100: q ? 5_000 : 20_000, lat: q ? 300 : 1_000 };
  const peers: Record<string, Peer> = {
    amqp: odyPeer(url, MAX_PRIORITY),
    'rabbitmq-raw': rawPeer(url, MAX_PRIORITY),
    'amqp-noprio': odyPeer(url, 0),
    'rabbitmq-raw-noprio': rawPeer(url, 0),
  };
  if (redis !== undefined) peers.bullmq = bullPeer(redis);
  const rows: Row[] = [];
  const spreads: Record<string, Spread> = {};
  try {
    for (const [label, c, total] of [['c1', 1, sizes.c1], ['c100', 100, sizes.c100]] as const) {
      const cpu: Record<string, number[]> = {};
      const s = await alternate(
        rounds,
        Object.fromEntries(
          Object.entries(peers).map(([name, peer]) => [
            name,
            async () => {
              const r = await peer.pushProcess(total, c);
              const samples = cpu[name] ?? [];
              samples.push(r.cpuUs);
              cpu[name] = samples;
              return r.rate;
            },
          ]),
        ),
      );
      for (const name of Object.keys(peers)) {
        rows.push(
          { name, metric: `push+process/s ${label}`, value: Math.round(median(s[name]!)) },
          { name, metric: `CPU µs/job ${label}`, value: fmt(median(cpu[name]!)) },
        );
      }
      spreads[`amqp-${label}/rabbitmq-raw-${label}`] = ratioOf(s.amqp!, s['rabbitmq-raw']!);
      spreads[`amqp-noprio-${label}/rabbitmq-raw-noprio-${label}`] = ratioOf(s['amqp-noprio']!, s['rabbitmq-raw-noprio']!);
      spreads[`amqp-cpu-${label}/rabbitmq-raw-cpu-${label}`] = ratioOf(cpu.amqp!, cpu['rabbitmq-raw']!, false);
      if (s.bullmq !== undefined) spreads[`amqp-${label}/bullmq-${label}`] = ratioOf(s.amqp!, s.bullmq);
      await cleanup(url);
    }
    const lat = await alternate(rounds, {
      amqp: async () => percentile(await peers.amqp!.pushLatency!(sizes.lat), 99),
      raw: async () => percentile(await peers['rabbitmq-raw']!.pushLatency!(sizes.lat), 99),
    });
    rows.push(
      { name: 'amqp', metric: 'push p99 ms', value: Number(median(lat.amqp).toFixed(2)) },
      { name: 'rabbitmq-raw', metric: 'push p99 ms', value: Number(median(lat.raw).toFixed(2)) },
    );
    spreads['amqp-push-p99/rabbitmq-raw-push-p99'] = ratioOf(lat.amqp, lat.raw, false);
    await cleanup(url);
  } finally {
    await server?.stop();
    await redis?.stop();
  }
  const { ratios, spreads: spreadOut } = ratioEntries(spreads);
  return {
    rows,
    ratios,
    spreads: spreadOut,
    notes: [
      ...notes,
      `RabbitMQ ${source.mode === 'spawn' ? 'private rabbitmq-server' : source.mode === 'url' ? 'AMQP_URL' : '127.0.0.1:5672'}; persistent messages in durable classic queues; every push confirmed by the broker before it counts. ${rounds} rounds, peers alternating; ratios are the median of per-round ratios with min–max.`,
      `push+process (${sizes.c1} jobs at c=1, ${sizes.c100} at c=100): the producer keeps ${WINDOW} confirmed pushes in flight (Ody: pushBulk of ${WINDOW}; raw: ${WINDOW} basicPublish awaited together) while one consumer on its own connection processes at concurrency c (Ody: Worker, trivial handler; raw: basicConsume with prefetch = c, manual ack). Clock from consumer start to the last job; CPU µs/job is the whole process's user+sys per job.`,
      `Same work: the raw peer declares the driver's queue arguments (dead-letter exchange; x-max-priority ${2 * MAX_PRIORITY} for "amqp", none for the "-noprio" pair = driver maxPriority 0) and publishes the driver's message (message_id, type, priority, timestamp, the x-ody job-state header), and parses that header on every delivery.`,
      'Push latency: one push at a time to an idle queue, call → broker confirm; p99 per round.',
      'BullMQ: a private redis-server without persistence (no fsync, unlike RabbitMQ\'s persistent messages), addBulk of the same window, Worker at concurrency c, removeOnComplete; context only.',
    ],
  };
}

const suite: Suite = { name: 'queue-amqp', run };
export default suite;
