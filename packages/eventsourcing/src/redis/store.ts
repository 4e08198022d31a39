import { newId } from '@ody/core';
// The class through the default import: vitest's module runner sees the named `Redis` export of
// ioredis 5.11 (whose index reassigns module.exports) as undefined; `ioredis.Redis` resolves in Node
// ESM, CJS and vitest alike.
import ioredis, { type Cluster, type Redis, type RedisOptions } from 'ioredis';
import { EventSourcingError, type ExpectedVersion, VersionConflictError } from '../errors.js';
import { GroupCommit, type Pending } from '../store/group-commit.js';
import { isoNow } from '../store/now.js';
import { Listeners } from '../store/listeners.js';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadOptions, RecordedEvent, Snapshot, StreamInfo } from '../store/types.js';
import { checkEvents, checkExpected, checkRead, checkStream, matches, metadataOf } from '../store/validate.js';
import { APPEND, APPEND_BATCH, DELETE, SNAPSHOT } from './lua.js';

/** Options of the Redis store. */
export interface RedisEventStoreOptions {
  /** Your ioredis client or Cluster (not closed by the store), or … */
  client?: Redis | Cluster;
  /** … a redis:// URL for a connection the store owns (default `REDIS_URL`, else 127.0.0.1:6379). */
  url?: string;
  /** Extra ioredis options for a connection the store opens. */
  redis?: RedisOptions;
  /** Key prefix; every key is `{<prefix>}:…` (default `ody-es`). */
  prefix?: string;
  /**
   * Wake `onAppended` listeners (async projections, subscriptions) in every process at once: each append
   * PUBLISHes its last position on `{<prefix>}:appended` from inside its script, and a store with
   * listeners SUBSCRIBEs on one duplicate connection. Default true; false = other processes' appends are
   * seen by polling.
   */
  notify?: boolean;
  /**
   * Group commit: appends called while a batch is in flight go out together as the next batch, one
   * script call (each append still checked against its own expected version and atomic on its own).
   * Default 256 appends per batch; 1 sends each append as its own script call.
   */
  maxBatch?: number;
}

interface QueuedAppend {
  stream: string;
  expected: string;
  fragments: string[];
}

type Call = (...args: (string | number)[]) => Promise<unknown>;

/**
 * The Redis event store (ioredis). Appends are one Lua script: the expected-version check, global
 * positions from a counter and the writes to the stream list and the global log (a sorted set by
 * position) happen atomically, so reads of the log are gap-free. Events are stored twice (stream
 * list and global log). All keys share one hash tag `{prefix}`, so the store works on Redis Cluster
 * but lives in one slot: a gap-free global log needs the stream and log writes in one atomic script,
 * which Redis allows only within a slot. Shard by store (one prefix per bounded context or tenant).
 * Appends PUBLISH on `{prefix}:appended` so projections in other processes wake at once (`notify`).
 * @example
 * const store = redisEventStore({ url: process.env.REDIS_URL, prefix: 'shop' });
 */
export class RedisEventStore implements EventStore {
  readonly name = 'redis';
  readonly client: Redis | Cluster;
  private readonly owns: boolean;
  private readonly k: { ver: string; del: string; head: string; log: string; snap: string; channel: string; stream: (s: string) => string; done: (call: string) => string };
  private readonly listeners = new Listeners();
  private readonly notify: boolean;
  private readonly maxBatch: number;
  private readonly group: GroupCommit<QueuedAppend, [number, number, number]>;
  private subscriber?: Redis | Cluster;
  private closed = false;

  constructor(options: RedisEventStoreOptions = {}) {
    this.owns = options.client === undefined;
    this.client = options.client ?? new ioredis.Redis(options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false, ...options.redis });
    const tag = `{${options.prefix ?? 'ody-es'}}`;
    this.k = { ver: `${tag}:ver`, del: `${tag}:del`, head: `${tag}:head`, log: `${tag}:log`, snap: `${tag}:snap`, channel: `${tag}:appended`, stream: (s) => `${tag}:s:${s}`, done: (call) => `${tag}:done:${call}` };
    this.notify = options.notify ?? true;
    const c = this.client as unknown as Record<string, unknown>;
    this.maxBatch = options.maxBatch ?? 256;
    // At most two batches in flight: while Redis runs one, the next is gathered and sent. Redis runs a
    // connection's calls in order, so appends keep the order they were called in. With nothing in flight
    // a tick's appends go out as two halves: the writers then alternate in two cohorts, one building its
    // appends while Redis runs the other's, instead of each side idling while the other works.
    this.group = new GroupCommit({ write: (batch) => this.sendBatch(batch), maxBatch: this.maxBatch, concurrency: 2, splitAt: 8 });
    if (typeof c.odyEsAppendBatch !== 'function') {
      this.client.defineCommand('odyEsAppend', { numberOfKeys: 6, lua: APPEND });
      // Variable key count (one stream list per append): the key count is the first argument.
      this.client.defineCommand('odyEsAppendBatch', { lua: APPEND_BATCH });
      this.client.defineCommand('odyEsDelete', { numberOfKeys: 2, lua: DELETE });
      this.client.defineCommand('odyEsSnapshot', { numberOfKeys: 1, lua: SNAPSHOT });
    }
  }

  private call(name: string): Call {
    const fn = ((this.client as unknown as Record<string, Call>)[name] as Call).bind(this.client);
    return (...args) => guard(name, fn(...args));
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.open();
    checkStream(stream);
    checkEvents(stream, events);
    const expected = options.expectedVersion ?? 'any';
    checkExpected(expected);
    const recordedAt = isoNow();
    const n = events.length;
    // The recorded events, positions filled in from the reply; each one's JSON (fields without the
    // braces) goes to the script, which prepends the positions.
    const recorded: RecordedEvent[] = new Array(n);
    const fragments: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const e = events[i]!;
      const r = { id: e.id ?? newId(), stream, type: e.type, schemaVersion: e.schemaVersion ?? 1, data: e.data, metadata: metadataOf(e), recordedAt } as RecordedEvent;
      const json = JSON.stringify(r);
      fragments[i] = json.slice(1, -1);
      recorded[i] = r;
    }
    const reply =
      this.maxBatch > 1
        ? await this.group.submit({ stream, expected: String(expected), fragments })
        : ((await this.call('odyEsAppend')(this.k.ver, this.k.del, this.k.head, this.k.log, this.k.stream(stream), this.k.done(newId()), stream, String(expected), n, ...fragments, this.notify ? this.k.channel : '')) as number[]);
    if (reply[0] === 0) throw new VersionConflictError(stream, expected as ExpectedVersion, Number(reply[1]));
    const version = Number(reply[1]);
    const first = Number(reply[2]);
    for (let i = 0; i < n; i++) {
      const r = recorded[i] as { streamPosition: number; globalPosition: number };
      r.streamPosition = version - n + i + 1;
      r.globalPosition = first + i;
    }
    if (n > 0) this.listeners.fire();
    return { nextExpectedVersion: version, events: recorded, lastPosition: n > 0 ? first + n - 1 : 0 };
  }

  /** One batch, one script call; each append gets its own three numbers of the reply. */
  private async sendBatch(batch: Pending<QueuedAppend, [number, number, number]>[]): Promise<void> {
    const k = this.k;
    // numkeys, 5 fixed keys, one stream key per append, channel, m, then per append its fields.
    const args: (string | number)[] = [5 + batch.length, k.ver, k.del, k.head, k.log, k.done(newId())];
    for (const { item } of batch) args.push(k.stream(item.stream));
    args.push(this.notify ? k.channel : '', batch.length);
    for (const { item } of batch) {
      args.push(item.stream, item.expected, item.fragments.length);
      for (const f of item.fragments) args.push(f);
    }
    const send = (this.client as unknown as Record<string, Call>).odyEsAppendBatch!;
    const reply = (await guard('odyEsAppendBatch', send.apply(this.client, args))) as number[];
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve([reply[3 * i]!, reply[3 * i + 1]!, reply[3 * i + 2]!]);
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    this.open();
    checkStream(stream);
    checkRead(options);
    const [version, deletedAt] = await this.versions(stream);
    const backward = options.direction === 'backward';
    const lo = Math.max(deletedAt + 1, (backward ? options.to : options.from) ?? 1);
    const hi = Math.min(version, (backward ? options.from : options.to) ?? version);
    if (hi < lo || options.limit === 0) return [];
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const start = backward ? Math.max(lo, hi - limit + 1) : lo;
    const end = backward ? hi : Math.min(hi, lo + limit - 1);
    const raw = await guard('LRANGE', this.client.lrange(this.k.stream(stream), start - 1, end - 1));
    const events = raw.map((j) => parse<RecordedEvent>(j, `stream '${stream}'`));
    return backward ? events.reverse() : events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.open();
    checkRead(options);
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const out: RecordedEvent[] = [];
    let from = options.fromPosition ?? 1;
    const page = Number.isFinite(limit) && options.filter === undefined ? limit : 1000;
    while (out.length < limit) {
      const raw = await guard('ZRANGEBYSCORE', this.client.zrangebyscore(this.k.log, from, '+inf', 'LIMIT', 0, page));
      for (const j of raw) {
        const e = parse<RecordedEvent>(j, 'the global log');
        from = e.globalPosition + 1;
        if (matches(options.filter, e)) out.push(e);
        if (out.length >= limit) break;
      }
      if (raw.length < page) break;
    }
    return out;
  }

  async streamVersion(stream: string): Promise<number> {
    return (await this.streamInfo(stream)).version;
  }

  async streamInfo(stream: string): Promise<StreamInfo> {
    this.open();
    checkStream(stream);
    const [version, deletedAt] = await this.versions(stream);
    return { version, deleted: deletedAt > 0 && deletedAt >= version };
  }

  async deleteStream(stream: string, options: AppendOptions = {}): Promise<void> {
    this.open();
    checkStream(stream);
    const expected = options.expectedVersion ?? 'any';
    checkExpected(expected);
    const reply = (await this.call('odyEsDelete')(this.k.ver, this.k.del, stream, String(expected))) as number[];
    if (reply[0] === 0) throw new VersionConflictError(stream, expected, Number(reply[1]));
  }

  async headPosition(): Promise<number> {
    this.open();
    return Number((await guard('GET', this.client.get(this.k.head))) ?? 0);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.open();
    const json = JSON.stringify({ version: snapshot.version, schemaVersion: snapshot.schemaVersion, state: snapshot.state });
    await this.call('odyEsSnapshot')(this.k.snap, snapshot.stream, snapshot.version, json);
  }

  async loadSnapshot(stream: string): Promise<Snapshot | undefined> {
    this.open();
    const raw = await guard('HGET', this.client.hget(this.k.snap, stream));
    if (raw === null) return undefined;
    const s = parse<Omit<Snapshot, 'stream'>>(raw, `the snapshot of '${stream}'`);
    return { stream, version: s.version, schemaVersion: s.schemaVersion, state: s.state };
  }

  onAppended(listener: () => void): () => void {
    const off = this.listeners.add(listener);
    if (this.notify && this.subscriber === undefined && !this.closed) this.subscribe();
    return off;
  }

  /** One SUBSCRIBE connection per store, opened with the first listener; ioredis re-subscribes after a reconnect. */
  private subscribe(): void {
    const sub = this.client.duplicate();
    this.subscriber = sub;
    // Connection trouble is ioredis's to retry; meanwhile projections still poll.
    sub.on('error', () => undefined);
    sub.on('message', (channel: string) => {
      if (channel === this.k.channel) this.listeners.fire();
    });
    sub.subscribe(this.k.channel).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    // Appends called in this tick are still queued for the next one: send them ahead of the QUIT.
    this.group.flush();
    if (this.subscriber !== undefined) await this.subscriber.quit().catch(() => undefined);
    if (this.owns) await this.client.quit().catch(() => undefined);
  }

  private async versions(stream: string): Promise<[number, number]> {
    const [v, d] = await guard('HGET', Promise.all([this.client.hget(this.k.ver, stream), this.client.hget(this.k.del, stream)]));
    return [Number(v ?? 0), Number(d ?? 0)];
  }

  private open(): void {
    if (this.closed) throw new EventSourcingError('ODY_EVENTSOURCING_STORE_CLOSED', 'The Redis event store is closed.');
  }
}

/** A failed Redis call as a typed error (the reply or the connection problem in the message). */
function guard<T>(what: string, p: Promise<T>): Promise<T> {
  return p.catch((err: unknown) => {
    if (err instanceof EventSourcingError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new EventSourcingError('ODY_EVENTSOURCING_SERVER', `Redis failed ${what}: ${message}`, { cause: err, details: { what } });
  });
}

/** JSON of a stored record, or a typed error naming where the damaged record is. */
function parse<T>(json: string, where: string): T {
  try {
    return JSON.parse(json) as T;
  } catch (err) {
    throw new EventSourcingError('ODY_EVENTSOURCING_CORRUPT', `An event in ${where} is not valid JSON (${json.slice(0, 40)}…): the Redis keys were written by something else.`, { cause: err });
  }
}

/** Create a Redis event store. */
export function redisEventStore(options?: RedisEventStoreOptions): RedisEventStore {
  return new RedisEventStore(options);
}
