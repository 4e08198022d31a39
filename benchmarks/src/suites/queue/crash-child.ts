// Child process of the crash-recovery rows: start a worker of `kind` on `target` (redis URL or
// filesystem dir) for queue `name` with a 2 s lease / lock, tell the parent 'ready', take one job and
// hold it forever (the parent SIGKILLs this process while the job is held).
import { filesystemDriver, Queue, Worker } from '@ody/queue';
import { redisDriver } from '@ody/queue-redis';
import { Worker as BullWorker } from 'bullmq';
import { LEASE } from './recovery-settings.js';

const [kind, target, name] = process.argv.slice(2) as ['redis' | 'fs' | 'bullmq', string, string];
const hold = () => {
  process.send?.('holding');
  return new Promise<never>(() => {});
};
if (kind === 'bullmq') {
  const url = new URL(target);
  const worker = new BullWorker(name, hold, {
    connection: { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null },
    lockDuration: LEASE.leaseMs,
    stalledInterval: LEASE.checkMs,
  });
  await worker.waitUntilReady();
} else {
  const driver = kind === 'redis' ? redisDriver({ url: target }) : filesystemDriver({ dir: target });
  new Worker(new Queue(name, { driver }), hold, { leaseMs: LEASE.leaseMs, recoverIntervalMs: LEASE.checkMs });
}
process.send?.('ready');
