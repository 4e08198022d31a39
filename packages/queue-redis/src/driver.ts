import { randomBytes } from 'node:crypto';
import type {
  ClaimedJob, ClaimOptions, FailedJobRecord, FailReason, JobCounts, JobError, ListOptions, NewJob, PushResult,
  QueueDriver, RecoverResult,
} from '@ody/queue';
import { QueueError } from '@ody/queue';
import type { Cluster, Redis } from 'ioredis';
import { BlockingPool } from './blocking.js';
import { ConnectionEmitter, type ConnectionEvents, duplicateClient, openClient, openCluster, watchClient } from './connection.js';
import { claimedHeaderLine, DEFAULT_RANK, encodeEnvelope, rankOf, toFailedRecord } from './envelope.js';
import { KEY_NAMES, queueKeys } from './keys.js';
import { type RedisDriverOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type ScriptClient, defineScripts, toRedisError } from './scripts.js';
import { type ClaimResult, SettleBatcher } from './settle-batcher.js';

const MARKER = KEY_NAMES.indexOf('marker');
const PAUSED = KEY_NAMES.indexOf('paused');

/**
 * Queue driver on Redis: every state move is one Lua script on the queue's keys (one hash slot),
 * idle workers block on a wake-up marker, and acks/claims issued together share one round trip.
 * @example
 * const driver = redisDriver({ url: 'redis://127.0.0.1:6379' });
 * const queue = new Queue('emails', { driver });
 */
export class RedisQueueDriver implements QueueDriver {
  readonly name = 'redis';
  /** The command connection (scripts defined on it). */
  readonly client: ScriptClient;
  private readonly ownsClient: boolean;
  private readonly options: ResolvedOptions;
  private readonly blocking: BlockingPool;
  private readonly events = new ConnectionEmitter();
  private readonly batchers = new Map<string, SettleBatcher>();
  private readonly keyCache = new Map<string, string[]>();
  private readonly instanceId = randomBytes(6).toString('base64url');
  private closed = false;
  private connectionDrops = 0;

  constructor(options: RedisDriverOptions = {}) {
    this.options = resolveOptions(options);
    const base: Redis | Cluster =
      options.client ??
      (options.cluster
        ? openCluster(options.cluster.nodes, options.cluster.options, options.redis)
        : openClient(options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', options.redis));
    this.ownsClient = options.client === undefined;
    if (this.ownsClient) watchClient(base, 'command', this.events);
    base.on('close', () => this.connectionDrops++);
    this.client = defineScripts(base);
    this.blocking = new BlockingPool(() => {
      const conn = duplicateClient(base, options.redis);
      watchClient(conn, 'blocking', this.events);
      return conn;
    });
  }

  /** Listen to connection events ('error', 'reconnecting', 'ready'); returns an unsubscribe function. */
  on<K extends keyof ConnectionEvents>(event: K, listener: ConnectionEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  /** The Redis keys of a queue, in script order (for inspection and tests). */
  keys(queue: string): string[] {
    let keys = this.keyCache.get(queue);
    if (keys === undefined) {
      keys = queueKeys(this.options.prefix, queue);
      this.keyCache.set(queue, keys);
    }
    return keys;
  }

  async push(queue: string, jobs: readonly NewJob[]): Promise<PushResult[]> {
    this.open();
    const keys = this.keys(queue);
    const chunk = this.options.pushChunk;
    const calls: Promise<number[]>[] = [];
    const drops = this.connectionDrops;
    for (let start = 0; start < jobs.length; start += chunk) {
      const args: (string | number)[] = [...keys, Date.now()];
      for (const job of jobs.slice(start, start + chunk)) {
        const rank = rankOf(job.priority);
        args.push(job.id, encodeEnvelope(job), rank === DEFAULT_RANK ? '' : rank, job.runAt, job.dedupe ? 1 : 0);
      }
      calls.push(this.client.odyPush(...args));
    }
    const replies = (await Promise.all(calls)).flat();
    // A push re-sent by ioredis after a dropped connection finds its own job live and answers 0. Without a
    // jobId the id is ours alone, so that 0 means the first send added it.
    const resent = this.connectionDrops !== drops;
    return jobs.map((job, i) => ({ id: job.id, added: replies[i] === 1 || (resent && !job.dedupe) }));
  }

  async claim(queue: string, o: ClaimOptions): Promise<ClaimedJob[]> {
    this.open();
    const deadline = Date.now() + o.waitMs;
    for (;;) {
      if (o.signal?.aborted || this.closed) return [];
      const { jobs, nextDue } = await this.claimOnce(queue, o);
      if (jobs.length > 0) return jobs;
      const now = Date.now();
      let wait = deadline - now;
      if (nextDue >= 0) wait = Math.min(wait, Math.max(1, nextDue - now));
      if (wait <= 0 || o.waitMs <= 0) return [];
      await this.blocking.wait(this.keys(queue)[MARKER]!, wait, o.signal);
    }
  }

  async extend(queue: string, jobs: readonly ClaimedJob[], leaseMs: number): Promise<boolean[]> {
    this.open();
    const deadline = Date.now() + leaseMs;
    const b = this.batcher(queue);
    return Promise.all(jobs.map((j) => b.op('e', member(j), deadline)));
  }

  async complete(queue: string, job: ClaimedJob): Promise<boolean> {
    this.open();
    return this.batcher(queue).op('c', member(job));
  }

  async retry(queue: string, job: ClaimedJob, runAt: number, error: JobError): Promise<boolean> {
    this.open();
    // The claimed job's header goes along (after a newline; JSON has none) so its meta, which
    // instrumentation may have added to, is what the next attempt gets: same script, same round trip.
    const head = job.meta === undefined ? undefined : claimedHeaderLine(job);
    const text = head === undefined ? JSON.stringify(error) : `${JSON.stringify(error)}\n${head}`;
    return this.batcher(queue).op('r', member(job), Math.round(runAt), error.attempt, text);
  }

  async fail(queue: string, job: ClaimedJob, reason: FailReason, error: JobError): Promise<boolean> {
    this.open();
    return this.batcher(queue).op('f', member(job), reason, error.attempt, JSON.stringify(error));
  }

  async recover(queue: string, maxStalls: number): Promise<RecoverResult> {
    this.open();
    const o = this.options;
    const [stalled, failed] = await this.client.odyRecover(
      ...this.keys(queue), Date.now(), maxStalls, o.recoverLockMs, this.instanceId, o.recoverBatch, o.retention.failKeep, o.retention.failAgeMs,
    );
    return { stalled, failed };
  }

  async pause(queue: string): Promise<void> {
    this.open();
    await this.batchers.get(queue)?.drain();
    await this.client.set(this.keys(queue)[PAUSED]!, '1').catch((e) => Promise.reject(toRedisError(e, 'pause')));
  }

  async resume(queue: string): Promise<void> {
    this.open();
    const keys = this.keys(queue);
    await this.client.multi().del(keys[PAUSED]!).zadd(keys[MARKER]!, 0, '0').exec().catch((e) => Promise.reject(toRedisError(e, 'resume')));
  }

  async isPaused(queue: string): Promise<boolean> {
    this.open();
    const n = await this.client.exists(this.keys(queue)[PAUSED]!).catch((e) => Promise.reject(toRedisError(e, 'isPaused')));
    return n === 1;
  }

  async counts(queue: string): Promise<JobCounts> {
    this.open();
    await this.batchers.get(queue)?.drain();
    const [waiting, delayed, active, completed, failed] = await this.client.odyCounts(...this.keys(queue));
    return { waiting: waiting!, delayed: delayed!, active: active!, completed: completed!, failed: failed! };
  }

  /**
   * When the oldest waiting job became due (epoch ms), undefined when none waits: one script reading the
   * head of each priority level (at most 64 levels) and the first due delayed job. Jobs this driver
   * prefetched are leased in Redis and not counted.
   */
  async oldestWaitingAt(queue: string): Promise<number | undefined> {
    this.open();
    const at = Number(await this.client.odyOldest(...this.keys(queue), Date.now(), 64));
    return at < 0 ? undefined : at;
  }

  async listFailed(queue: string, o: ListOptions = {}): Promise<FailedJobRecord[]> {
    this.open();
    const flat = await this.client.odyFailedGet(...this.keys(queue), 'range', o.offset ?? 0, o.limit ?? 100);
    return records(flat);
  }

  async getFailed(queue: string, id: string): Promise<FailedJobRecord | undefined> {
    this.open();
    return records(await this.client.odyFailedGet(...this.keys(queue), 'ids', id))[0];
  }

  retryFailed(queue: string, ids?: readonly string[]): Promise<number> {
    return this.moveFailed(queue, 'retry', ids);
  }

  purgeFailed(queue: string, ids?: readonly string[]): Promise<number> {
    return this.moveFailed(queue, 'purge', ids);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.blocking.close();
    if (this.client.status === 'ready') {
      await Promise.all([...this.batchers.values()].map((b) => b.drain()));
    }
    if (!this.ownsClient) return;
    if (this.client.status !== 'ready') {
      // Not connected (Redis down): QUIT would wait for a reconnect that may never come.
      this.client.disconnect();
      return;
    }
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async moveFailed(queue: string, action: 'retry' | 'purge', ids?: readonly string[]): Promise<number> {
    this.open();
    const keys = this.keys(queue);
    let total = 0;
    if (ids === undefined) {
      // 1000 per call; bounded so a store refilled while we loop cannot keep us here forever.
      for (let i = 0; i < 100_000; i++) {
        const n = await this.client.odyFailedMove(...keys, action, '1');
        total += n;
        if (n === 0) break;
      }
      return total;
    }
    for (let start = 0; start < ids.length; start += 1000) {
      total += await this.client.odyFailedMove(...keys, action, '0', ...ids.slice(start, start + 1000));
    }
    return total;
  }

  /** One settle+claim; when the claim is aborted meanwhile, jobs it got are released back to ready. */
  private claimOnce(queue: string, o: ClaimOptions): Promise<ClaimResult> {
    const b = this.batcher(queue);
    const pending = b.claim(o.max, o.leaseMs);
    const signal = o.signal;
    if (signal === undefined) return pending;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        resolve({ jobs: [], nextDue: -1 });
        pending.then((r) => {
          for (const j of r.jobs) void b.op('x', member(j)).catch(() => {});
        }, () => {});
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (r) => {
          signal.removeEventListener('abort', onAbort);
          if (!signal.aborted) resolve(r);
        },
        (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  private batcher(queue: string): SettleBatcher {
    let b = this.batchers.get(queue);
    if (b === undefined) {
      const o = this.options;
      b = new SettleBatcher(this.client, this.keys(queue), o.retention, this.instanceId, {
        maxOps: o.maxOpsPerCall, prefetch: o.prefetch, prefetchHoldMs: o.prefetchHoldMs, connectionDrops: () => this.connectionDrops,
      });
      this.batchers.set(queue, b);
    }
    return b;
  }

  private open(): void {
    if (this.closed) throw new QueueError('ODY_QUEUE_CLOSED', 'The Redis queue driver is closed; create a new one.');
  }
}

function member(job: ClaimedJob): string {
  return `${job.id}|${job.lease}`;
}

function records(flat: string[]): FailedJobRecord[] {
  const out: FailedJobRecord[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) out.push(toFailedRecord(flat[i]!, flat[i + 1]!, flat[i + 2]!));
  return out;
}

/** Create a Redis queue driver. */
export function redisDriver(options: RedisDriverOptions = {}): RedisQueueDriver {
  return new RedisQueueDriver(options);
}
