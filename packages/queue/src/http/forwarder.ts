import type { PushOptions, PushResult } from '../contract/job.js';
import { QueueError, UnrecoverableError } from '../errors.js';
import type { Queue } from '../runtime/queue.js';
import { Worker } from '../runtime/worker.js';
import type { WireMessage } from './server.js';

/** Options of a Forwarder. */
export interface ForwarderOptions {
  /** Local durable outbox (a Queue on the filesystem driver). */
  outbox: Queue;
  /** Server base URL, e.g. http://10.0.0.5:3000 (the endpoint is <url><path>/<queue>/messages). */
  url: string;
  /** Queue name on the server. */
  remoteQueue: string;
  token: string;
  /** Route prefix on the server; default '/queues'. */
  path?: string;
  /** Messages sent in parallel; default 8. */
  concurrency?: number;
  /** Per-request timeout; default 10000 ms. */
  requestTimeoutMs?: number;
  /** First retry delay; doubles (with jitter) up to maxRetryDelayMs. Default 200. */
  retryDelayMs?: number;
  /** Default 30000. */
  maxRetryDelayMs?: number;
}

/** Outbox job payload: the message as it will be sent. */
interface OutboxJob {
  payload: unknown;
  options?: WireMessage['options'];
}

/**
 * Store-and-forward client (dropr's model): `push` writes to the local durable outbox and returns;
 * a worker sends each message to the queue server with retries and exponential backoff for as long
 * as the server is down. The outbox job id is the message id, so resends are deduped by the server:
 * every message arrives exactly once. 4xx answers other than 408/429 are final (the message goes to
 * the outbox's failed store).
 * @example
 * const fwd = new Forwarder({ outbox: new Queue('outbox', { driver: filesystemDriver({ dir }) }), url, remoteQueue: 'orders', token });
 * await fwd.push('order.placed', { id: 1 });
 */
export class Forwarder {
  readonly outbox: Queue;
  private readonly worker: Worker<OutboxJob>;
  private readonly endpoint: string;

  constructor(private readonly options: ForwarderOptions) {
    this.outbox = options.outbox;
    this.endpoint = `${options.url.replace(/\/$/, '')}${options.path ?? '/queues'}/${encodeURIComponent(options.remoteQueue)}/messages`;
    this.worker = new Worker<OutboxJob>(this.outbox, (job, { signal }) => this.send(job.id, job.name, job.data, signal), {
      concurrency: options.concurrency ?? 8,
    });
  }

  /** Store a message in the outbox (durably) for forwarding; resolves once stored locally. */
  push(name: string, payload: unknown, options: WireMessage['options'] & { id?: string } = {}): Promise<PushResult> {
    const { id, ...remote } = options;
    const local: PushOptions = {
      attempts: Number.MAX_SAFE_INTEGER,
      backoff: { type: 'exponential', delayMs: this.options.retryDelayMs ?? 200, maxDelayMs: this.options.maxRetryDelayMs ?? 30_000 },
    };
    if (id !== undefined) local.jobId = id;
    const job: OutboxJob = Object.keys(remote).length > 0 ? { payload, options: remote } : { payload };
    return this.outbox.push(name, job, local);
  }

  /** Worker events of the forwarding loop (e.g. 'retrying' while the server is down). */
  get events(): Pick<Worker<OutboxJob>, 'on'> {
    return this.worker;
  }

  /** Stop forwarding; unsent messages stay in the outbox for the next start. */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.worker.close(options);
  }

  private async send(id: string, name: string, job: OutboxJob, signal: AbortSignal): Promise<void> {
    const message: WireMessage = { id, name, payload: job.payload };
    if (job.options !== undefined) message.options = job.options;
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
        body: JSON.stringify({ messages: [message] }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000)]),
      });
    } catch (cause) {
      throw new QueueError('ODY_QUEUE_FORWARD_FAILED', `Could not reach the queue server at ${this.endpoint}: ${(cause as Error).message}. Will retry.`, {
        cause,
        details: { id, endpoint: this.endpoint },
      });
    }
    const text = await res.text();
    if (res.ok) return;
    const detail = `Queue server answered ${res.status} for message ${id}: ${text.slice(0, 300)}`;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new UnrecoverableError(detail);
    throw new QueueError('ODY_QUEUE_FORWARD_FAILED', `${detail}. Will retry.`, { details: { id, status: res.status } });
  }
}
