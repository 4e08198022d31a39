import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { CommandStatusStore, CreateResult, StatusPatch } from '../async/status-store.js';
import { Watchers } from '../async/status-store.js';
import type { CommandRecord } from '../async/types.js';
import { CqrsError } from '../errors.js';
import { CLAIM, CREATE, PRUNE, UPDATE } from './lua.js';
import { decodeRecord, encodeMeta } from './record-codec.js';

/** Options of RedisStatusStore. */
export interface RedisStatusStoreOptions {
  /** An ioredis client (Redis or Cluster), e.g. the Redis queue driver's `client`; never quit by the store. */
  client: Redis | Cluster;
  /** Key prefix: keys are `<prefix>:{cqrs}:<role>`. Default 'ody'. */
  prefix?: string;
  /** Finished records (and their idempotency claims) expire this long after finishing (ms); 0 = never. Default 24 h. */
  retentionMs?: number;
  /** Keep at most this many finished records; the oldest go first. Default: no cap. */
  maxFinished?: number;
  /** Told about errors of the pub/sub connection (it reconnects by itself). */
  onError?: (error: Error) => void;
}

const PRUNE_BATCH = 500;
type Script = { src: string; sha: string };
const script = (src: string): Script => ({ src, sha: createHash('sha1').update(src).digest('hex') });
const SCRIPTS = { claim: script(CLAIM), create: script(CREATE), update: script(UPDATE), prune: script(PRUNE) };

/**
 * Status store on Redis (pairs with the Redis queue driver), shared by every process and host:
 * one hash per command, idempotency keys claimed by a Lua `GET`/`SET` (atomic), transitions applied
 * by a Lua script that refuses regressions, finished records expiring after `retentionMs` and
 * capped by `maxFinished` through a sorted-set index. Every write is published on the command's
 * channel, so wait() in any process wakes on pub/sub instead of polling.
 * @example
 * const store = new RedisStatusStore({ client: redisQueueDriver.client, retentionMs: 3_600_000 });
 */
export class RedisStatusStore implements CommandStatusStore {
  readonly name = 'redis';
  readonly sharedWatch = true;
  private readonly client: Redis | Cluster;
  private readonly base: string;
  private readonly retentionMs: number;
  private readonly maxFinished: number;
  private readonly watchers = new Watchers();
  private readonly channels = new Map<string, { count: number; ready: Promise<void> }>();
  private subscriber?: Redis | Cluster;
  private closed = false;

  constructor(private readonly options: RedisStatusStoreOptions) {
    const prefix = options.prefix ?? 'ody';
    if (!/^[^{}\s]{1,64}$/.test(prefix)) {
      throw new CqrsError('ODY_CQRS_STATUS_STORE', `Redis status store prefix must be 1-64 characters without braces or spaces, got '${prefix}'.`, {
        details: { prefix },
      });
    }
    this.client = options.client;
    this.base = `${prefix}:{cqrs}:`;
    this.retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
    this.maxFinished = options.maxFinished ?? -1;
    if (this.maxFinished !== -1 && (!Number.isInteger(this.maxFinished) || this.maxFinished < 1)) {
      throw new CqrsError('ODY_CQRS_STATUS_STORE', `Redis status store maxFinished must be an integer ≥ 1, got ${String(options.maxFinished)}.`, {
        details: { maxFinished: options.maxFinished },
      });
    }
  }

  /** The Redis key of a command's record (for inspection and tests). */
  recordKey(id: string): string {
    return `${this.base}r:${id}`;
  }

  /** The Redis key of an idempotency claim. */
  claimKeyOf(key: string): string {
    return `${this.base}k:${key}`;
  }

  /** The sorted set of finished records (id → updatedAt). */
  get doneKey(): string {
    return `${this.base}done`;
  }

  async claimKey(key: string, id: string): Promise<string> {
    return (await this.run('claim', [this.claimKeyOf(key)], [id, this.retentionMs])) as string;
  }

  async create(record: CommandRecord): Promise<CreateResult> {
    const claim = record.idempotencyKey === undefined ? '' : this.claimKeyOf(record.idempotencyKey);
    const [created, all] = (await this.run('create', [this.recordKey(record.id), claim || this.recordKey(record.id)], [
      encodeMeta(record),
      record.state,
      record.attempts,
      record.updatedAt,
      claim,
      this.channel(record.id),
    ])) as [number, string[]];
    return { record: decodeRecord(all)!, created: created === 1 };
  }

  async get(id: string): Promise<CommandRecord | undefined> {
    return decodeRecord(await this.client.hgetall(this.recordKey(id)));
  }

  async update(id: string, patch: StatusPatch, base?: CommandRecord): Promise<CommandRecord | undefined> {
    const all = (await this.run('update', [this.recordKey(id), this.doneKey], [
      patch.state,
      patch.attempts ?? '',
      Date.now(),
      patch.result === undefined ? '' : JSON.stringify(patch.result),
      patch.error === undefined ? '' : JSON.stringify(patch.error),
      this.retentionMs,
      this.maxFinished,
      this.channel(id),
      base === undefined ? '' : encodeMeta(base),
      base?.createdAt ?? '',
      base?.idempotencyKey === undefined ? '' : this.claimKeyOf(base.idempotencyKey),
      id,
      `${this.base}r:`,
    ])) as string[] | null;
    return all === null ? undefined : decodeRecord(all);
  }

  async prune(olderThan: number): Promise<number> {
    let removed = 0;
    for (let round = 0; round < 1000; round++) {
      const [seen, gone] = (await this.run('prune', [this.doneKey], [olderThan, `${this.base}r:`, PRUNE_BATCH])) as [number, number];
      removed += gone;
      if (seen < PRUNE_BATCH) break;
    }
    return removed;
  }

  watch(id: string, listener: (record: CommandRecord) => void): () => void {
    const off = this.watchers.add(id, listener);
    const channel = this.channel(id);
    const entry = this.channels.get(channel);
    if (entry !== undefined) entry.count++;
    else if (!this.closed) {
      const sub = this.sub();
      // A failed subscribe (closed store, lost connection) leaves wait() to its safety-net polling.
      this.channels.set(channel, { count: 1, ready: (sub.subscribe(channel) as Promise<unknown>).then(() => undefined, () => undefined) });
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      const e = this.channels.get(channel);
      if (e !== undefined && --e.count === 0) {
        this.channels.delete(channel);
        if (!this.closed) (this.subscriber?.unsubscribe(channel) as Promise<unknown> | undefined)?.catch(() => undefined);
      }
    };
  }

  watchReady(id: string): Promise<void> {
    return this.channels.get(this.channel(id))?.ready ?? Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub !== undefined) await sub.quit().catch(() => sub.disconnect());
  }

  private channel(id: string): string {
    return `${this.base}ev:${id}`;
  }

  private sub(): Redis | Cluster {
    if (this.subscriber === undefined) {
      const sub = (this.client as Redis).duplicate();
      sub.on('error', (err: Error) => this.options.onError?.(err));
      sub.on('message', (channel: string, message: string) => {
        const record = decodeRecord(JSON.parse(message) as string[]);
        if (record !== undefined && channel === this.channel(record.id)) this.watchers.notify(record);
      });
      this.subscriber = sub;
    }
    return this.subscriber;
  }

  /** EVALSHA, and EVAL when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH). */
  private async run(name: keyof typeof SCRIPTS, keys: string[], args: (string | number)[]): Promise<unknown> {
    const s = SCRIPTS[name];
    try {
      return await this.client.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) {
        throw new CqrsError('ODY_CQRS_STATUS_STORE', `Command status store could not run '${name}' on Redis: ${(err as Error).message}`, { cause: err });
      }
      return this.client.eval(s.src, keys.length, ...keys, ...args);
    }
  }
}
