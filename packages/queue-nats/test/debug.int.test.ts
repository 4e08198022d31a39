import { Queue, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { it } from 'vitest';
import { findNatsServer, SpawnedNats } from '../../../test-support/nats-server.js';
import { natsDriver } from '../src/index.js';

it('debug restart', async () => {
  const server = await SpawnedNats.start(findNatsServer()!);
  const d = natsDriver({ servers: server.url, prefix: 'r', ackWaitMs: 2000 });
  d.on('error', () => {});
  const queue = new Queue('q', { driver: d });
  let done = 0;
  const w = new Worker(queue, async () => { done++; await new Promise((r) => setTimeout(r, 10)); }, { concurrency: 3, leaseMs: 2000, waitMs: 2000 });
  w.on('error', (e) => console.log('worker error', (e as Error).message));
  await queue.pushBulk(Array.from({ length: 200 }, (_, i) => ({ name: 'n', payload: i })));
  await until('progress', () => done > 50);
  await server.restart({ kill: true });
  console.log('restarted at', done);
  for (let i = 0; i < 20; i++) await queue.push('late', i);
  console.log('pushed late');
  const nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  try {
    await until('all', async () => done >= 220, 15_000);
  } catch (e) {
    console.log('STUCK', done, await queue.counts());
    for await (const ci of jsm.consumers.list('r_q_q')) console.log(ci.name, ci.num_pending, ci.num_ack_pending, ci.delivered, ci.ack_floor, ci.num_waiting);
    console.log((await jsm.streams.info('r_q_q')).state);
  }
  await nc.close();
  await w.close(); await d.close(); await server.stop();
}, 60000);
