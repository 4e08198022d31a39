import { type Codec, encodePayload, jsonCodec } from '../contract/codec.js';
import type { QueueDriver } from '../contract/driver.js';
import { type InlineOps, inlineOps } from '../contract/inline.js';
import type { Encoded, FailedJobRecord, JobCounts, NewJob, PushOptions, PushResult } from '../contract/job.js';
import { QueueError } from '../errors.js';
import { queueInstrumentation } from './instrumentation.js';
import { buildJob } from './push-options.js';

/** Options of a Queue. */
export interface QueueOptions {
  /** Where jobs are stored. */
  driver: QueueDriver;
  /** Payload codec; default JSON. */
  codec?: Codec;
  /** Largest encoded payload accepted by push; default 1 MiB. */
  maxPayloadBytes?: number;
  /** Options merged under every push's options. */
  defaults?: PushOptions;
}

/** One job of a pushBulk. */
export interface BulkJob<T = unknown> {
  name: string;
  payload: T;
  options?: PushOptions;
}

/** A failed job with its payload decoded (undefined when it cannot be decoded; `data` keeps the raw bytes). */
export interface FailedJob<T = unknown> extends FailedJobRecord {
  payload: T | undefined;
}

/** The failed store (dead-letter queue) of one queue. */
export interface FailedStore<T = unknown> {
  list(options?: { offset?: number; limit?: number }): Promise<FailedJob<T>[]>;
  get(id: string): Promise<FailedJob<T> | undefined>;
  /** Move jobs back to ready with attempts reset; all when ids is omitted. Returns how many. */
  retry(ids?: readonly string[]): Promise<number>;
  /** Delete jobs; all when ids is omitted. Returns how many. */
  purge(ids?: readonly string[]): Promise<number>;
}

/**
 * A named queue on a driver: push jobs, pause/resume, counts and the failed store. `T` is the payload
 * type: give it (or use `queues.queue(defineQueue<T>(name))`) and push and workers are checked against it.
 * @example
 * const emails = new Queue<{ to: string }>('emails', { driver: memoryDriver() });
 * await emails.push('welcome', { to: 'a@b.c' }, { attempts: 3, backoff: { type: 'exponential', delayMs: 500 } });
 */
// biome-ignore lint/suspicious/noExplicitAny: an untyped queue (no T) takes any payload and feeds any Worker<T>, as before generics
export class Queue<T = any> {
  readonly name: string;
  readonly driver: QueueDriver;
  readonly codec: Codec;
  readonly maxPayloadBytes: number;
  readonly failed: FailedStore<T>;
  private readonly defaults: PushOptions | undefined;
  private readonly inline: InlineOps | undefined;

  constructor(name: string, options: QueueOptions) {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(name) || name.startsWith('.')) {
      throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `Queue name '${String(name)}' must be 1-100 characters of A-Z a-z 0-9 _ . - and not start with '.'.`, {
        details: { name },
      });
    }
    this.name = name;
    this.driver = options.driver;
    this.codec = options.codec ?? jsonCodec;
    this.maxPayloadBytes = options.maxPayloadBytes ?? 1024 * 1024;
    this.defaults = options.defaults;
    this.inline = inlineOps(this.driver);
    this.failed = {
      list: async (o) => (await this.driver.listFailed(this.name, o)).map((r) => this.decodeFailed(r)),
      get: async (id) => {
        const r = await this.driver.getFailed(this.name, id);
        return r === undefined ? undefined : this.decodeFailed(r);
      },
      retry: (ids) => this.driver.retryFailed(this.name, ids),
      purge: (ids) => this.driver.purgeFailed(this.name, ids),
    };
  }

  /** Enqueue one job. Resolves once the driver stored it (durably, for durable drivers). */
  async push(name: string, payload: T, options?: PushOptions): Promise<PushResult> {
    const job = buildJob(this.name, name, this.encode(payload), this.merge(options), Date.now());
    const hooks = queueInstrumentation();
    if (hooks?.push !== undefined) {
      const [result] = await hooks.push(this.name, this.driver.name, [job], () => this.send([job]));
      return result!;
    }
    if (this.inline !== undefined) return this.inline.pushOne(this.name, job);
    const [result] = await this.driver.push(this.name, [job]);
    return result!;
  }

  /** Enqueue many jobs in one driver call (one group commit / round trip). */
  async pushBulk(jobs: readonly BulkJob<T>[]): Promise<PushResult[]> {
    const now = Date.now();
    const built = jobs.map((j) => buildJob(this.name, j.name, this.encode(j.payload), this.merge(j.options), now));
    if (built.length === 0) return [];
    const hooks = queueInstrumentation();
    if (hooks?.push !== undefined) return hooks.push(this.name, this.driver.name, built, () => this.send(built));
    return this.inline === undefined ? this.driver.push(this.name, built) : this.inline.push(this.name, built);
  }

  private async send(jobs: NewJob[]): Promise<PushResult[]> {
    return this.inline === undefined ? this.driver.push(this.name, jobs) : this.inline.push(this.name, jobs);
  }

  /** Stop every worker of this queue (on this driver's store) from taking jobs. */
  pause(): Promise<void> {
    return this.driver.pause(this.name);
  }

  resume(): Promise<void> {
    return this.driver.resume(this.name);
  }

  isPaused(): Promise<boolean> {
    return this.driver.isPaused(this.name);
  }

  /** Jobs waiting, delayed, active, completed and failed. */
  counts(): Promise<JobCounts> {
    return this.driver.counts(this.name);
  }

  /** Decode a stored payload with this queue's codec. */
  decode(data: Encoded): unknown {
    return this.codec.decode(data);
  }

  private encode(payload: unknown): Encoded {
    return encodePayload(this.codec, payload, this.maxPayloadBytes, this.name);
  }

  private merge(options: PushOptions | undefined): PushOptions | undefined {
    if (this.defaults === undefined) return options;
    return options === undefined ? this.defaults : { ...this.defaults, ...options };
  }

  private decodeFailed(record: FailedJobRecord): FailedJob<T> {
    let payload: T | undefined;
    try {
      payload = record.data === undefined ? undefined : (this.codec.decode(record.data) as T);
    } catch {
      payload = undefined;
    }
    return { ...record, payload };
  }
}
