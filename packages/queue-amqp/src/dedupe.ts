import { AMQPChannelError, type Channel, type Connection } from 'rabbitmq-client';
import { queueNames } from './names.js';
import type { ResolvedOptions } from './options.js';
import { whileConnecting } from './retry.js';

/**
 * Reservations of users' jobIds: a marker queue per live deduped job. Declaring it with our own random
 * x-expires fails (406 PRECONDITION_FAILED) when another push, in any process, holds the id.
 */
export class JobIds {
  private chain: Promise<unknown> = Promise.resolve();
  private ch: Channel | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly o: ResolvedOptions,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Reserve `jobId` of `queue`: true when this push holds it now, false when another one does. */
  reserve(queue: string, jobId: string): Promise<boolean> {
    const marker = queueNames(this.o.prefix, queue).dedupe(jobId);
    const expires = this.o.dedupeWindowMs + Math.floor(Math.random() * 2 ** 20);
    const run = async (): Promise<boolean> => {
      // One channel for reservations, reopened after a 406 closed it (so a refusal never hits other calls).
      if (!this.ch?.active) this.ch = await this.conn.acquire();
      try {
        await this.ch.queueDeclare({ queue: marker, durable: true, arguments: { 'x-expires': expires } });
        return true;
      } catch (err) {
        if (err instanceof AMQPChannelError && err.code === 'PRECONDITION_FAILED') return false;
        throw err;
      }
    };
    const attempt = () => whileConnecting(`reserving jobId '${jobId}'`, this.o.pushTimeoutMs, run);
    const next = this.chain.then(attempt, attempt);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Free the jobId of a deduped job that completed or failed (best effort: errors are reported, not thrown). */
  async release(queue: string, job: { id: string; state: { dedupe: boolean } }): Promise<void> {
    if (!job.state.dedupe) return;
    await this.conn.queueDelete({ queue: queueNames(this.o.prefix, queue).dedupe(job.id) }).catch(this.onError);
  }

  async close(): Promise<void> {
    await this.ch?.close().catch(() => undefined);
  }
}
