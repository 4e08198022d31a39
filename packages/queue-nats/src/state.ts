import type { KV } from '@nats-io/kv';
import { AckPolicy, DeliverPolicy, type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { headers, nanos, type NatsConnection, nuid, type Subscription } from '@nats-io/transport-node';
import { QueueNatsError } from './errors.js';
import { DELAYED_CONSUMER, levelConsumer, levelOf, type QueueNames, queueNames } from './names.js';
import type { ResolvedOptions } from './options.js';
import { CompletedTally } from './tally.js';

interface Level {
  consumer: string;
  ackWaitMs: number;
  ready: Promise<void>;
  /** `ready` resolved: the consumer exists. */
  declared: boolean;
}

/**
 * One queue's JetStream topology (declared idempotently on first use) and what this driver knows
 * about it: the priority levels that exist, whether delayed jobs may be due, the paused flag, and
 * the claims waiting for a wake-up.
 */
export class QueueState {
  readonly names: QueueNames;
  readonly tally: CompletedTally;
  readonly levels = new Map<number, Level>();
  /** Levels sorted high → low (rebuilt when one is added). */
  order: number[] = [];
  paused = false;
  /** A delayed job may be due: the next claim looks at the delayed consumer. */
  delayedHint = true;
  /** Epoch ms of the earliest delayed job this driver put back with nak(delay); 0 = none known. */
  nextDue = 0;
  /**
   * Levels whose last pull came back short (→ when): claims skip them until a wake-up names the level
   * (a push, retry or recovery anywhere) or pollMs passed. Saves an empty pull per job, which costs
   * nats-server real work on a filtered work-queue consumer.
   */
  readonly drained = new Map<number, number>();
  /**
   * Counts wake-ups. A claim notes it before pulling: when it changed meanwhile, something was pushed
   * after the server answered, so the level is not marked drained and the claim does not sleep.
   */
  wakes = 0;
  /** Set by the last recover() call: claims fail deliveries that stalled more often. */
  maxStalls: number | undefined;
  /** Claims waiting for a wake-up: wake function → its abort signal and how to end it unwoken. */
  private readonly waiters = new Map<() => void, { signal: AbortSignal | undefined; abort: () => void }>();
  private readonly watched = new WeakSet<AbortSignal>();
  private wakeSub: Subscription | undefined;
  private stopWatch: (() => void) | undefined;
  private lastRefresh = 0;
  private readonly outgoing = new Set<string>();
  private flushScheduled = false;
  private lastWakeSent = 0;
  /** Marks this driver's own wake-ups so its subscription skips them (it woke its waiters already; noEcho may be overridden). */
  private readonly origin = headers();
  private readonly originId = nuid.next();

  constructor(
    readonly queue: string,
    private readonly o: ResolvedOptions,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    readonly kv: KV,
  ) {
    this.names = queueNames(o.prefix, queue);
    this.tally = new CompletedTally(kv, this.names.completedKey);
  }

  /** Declare streams and the delayed consumer, learn levels and the paused flag, subscribe to wake-ups. */
  async init(): Promise<void> {
    const n = this.names;
    const storage = this.o.storage === 'memory' ? StorageType.Memory : StorageType.File;
    await declareStream(this.jsm, {
      name: n.stream, subjects: [n.readyAll, n.delayed], retention: RetentionPolicy.Workqueue, storage,
      duplicate_window: nanos(this.o.duplicateWindowMs), num_replicas: this.o.replicas,
    });
    await declareStream(this.jsm, {
      name: n.failedStream, subjects: [n.failedAll], retention: RetentionPolicy.Limits, storage, max_msgs_per_subject: 1, allow_direct: true,
      duplicate_window: nanos(this.o.duplicateWindowMs), num_replicas: this.o.replicas,
    });
    await declareConsumer(this.jsm, n.stream, DELAYED_CONSUMER, n.delayed, this.o.ackWaitMs);
    this.origin.set('Ody-Origin', this.originId);
    this.wakeSub = this.nc.subscribe(n.wake, {
      callback: (err, msg) => {
        if (err || msg.headers?.get('Ody-Origin') === this.originId) return;
        this.onWake(msg.string());
      },
    });
    const watch = await this.kv.watch({ key: n.pausedKey });
    this.stopWatch = () => watch.stop();
    void (async () => {
      for await (const e of watch) {
        const paused = e.operation === 'PUT' && e.string() === '1';
        if (paused !== this.paused) {
          this.paused = paused;
          if (!paused) this.wakeAll();
        }
      }
    })().catch(() => {});
    await this.refreshLevels(true);
  }

  close(): void {
    this.wakeSub?.unsubscribe();
    this.stopWatch?.();
    this.wakeAll();
  }

  /** The level's consumer, declared on first use; its ack wait is raised to cover `leaseMs`. */
  async level(priority: number, leaseMs = 0): Promise<Level> {
    let level = this.levels.get(priority);
    if (level === undefined) {
      const ackWaitMs = Math.max(this.o.ackWaitMs, leaseMs);
      const consumer = levelConsumer(priority);
      level = {
        consumer,
        ackWaitMs,
        ready: declareConsumer(this.jsm, this.names.stream, consumer, `${this.names.base}.r.${consumer.slice(6)}`, ackWaitMs),
        declared: false,
      };
      const created = level;
      this.levels.set(priority, created);
      this.order = [...this.levels.keys()].sort((a, b) => b - a);
      created.ready.then(
        () => {
          created.declared = true;
        },
        () => this.levels.delete(priority),
      );
    }
    await level.ready;
    if (leaseMs > level.ackWaitMs) {
      level.ackWaitMs = leaseMs;
      await this.jsm.consumers.update(this.names.stream, level.consumer, { ack_wait: nanos(leaseMs) }).catch((e) => Promise.reject(serverError(e, 'raise the ack wait')));
    }
    return level;
  }

  /** The level when level(priority, leaseMs) would return it without waiting (the hot path); else undefined. */
  levelNow(priority: number, leaseMs = 0): Level | undefined {
    const level = this.levels.get(priority);
    return level?.declared === true && leaseMs <= level.ackWaitMs ? level : undefined;
  }

  /** Learn the levels that hold messages (other processes' pushes); at most once per pollMs unless forced. */
  async refreshLevels(force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastRefresh < this.o.pollMs) return;
    this.lastRefresh = now;
    const info = await this.jsm.streams.info(this.names.stream, { subjects_filter: this.names.readyAll });
    for (const subject of Object.keys(info.state.subjects ?? {})) {
      const p = levelOf(subject.slice(subject.lastIndexOf('.') + 1));
      if (!Number.isNaN(p) && !this.levels.has(p)) await this.level(p);
    }
  }

  /** Announce pushed levels (and 'd' for delayed) to every driver waiting on this queue. */
  announce(tokens: Iterable<string>): void {
    const list = [...tokens];
    if (list.length === 0) return;
    // Local waiters wake now. Other processes get one wake-up message per event-loop turn, however
    // many pushes happened in it, and at most one per WAKE_GAP_MS while pushes keep coming (the
    // first after a quiet spell goes at once; none is dropped, later ones wait at most the gap).
    for (const t of list) this.outgoing.add(t);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      const wait = this.lastWakeSent + WAKE_GAP_MS - Date.now();
      const send = () => {
        this.flushScheduled = false;
        this.lastWakeSent = Date.now();
        const payload = [...this.outgoing].join(',');
        this.outgoing.clear();
        try {
          this.nc.publish(this.names.wake, payload, { headers: this.origin });
        } catch {
          // connection closed: the others' poll finds the jobs
        }
      };
      if (wait > 0) setTimeout(send, wait);
      else setImmediate(send);
    }
    this.onWake(list.join(','));
  }

  /** Wait for a wake-up, at most `ms` or until `signal` aborts; true when woken (not timed out). */
  wait(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const done = (woken: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(woken);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), Math.max(1, ms));
      this.waiters.set(wake, { signal, abort: () => done(false) });
      // One abort listener per signal (a worker's stop signal serves all its claims), not one per wait.
      if (signal !== undefined && !this.watched.has(signal)) {
        this.watched.add(signal);
        signal.addEventListener('abort', () => this.abortWaiters(signal), { once: true });
      }
    });
  }

  private abortWaiters(signal: AbortSignal): void {
    for (const w of [...this.waiters.values()]) if (w.signal === signal) w.abort();
  }

  /** True while `priority` is known to be empty (see drained). */
  isDrained(priority: number): boolean {
    const at = this.drained.get(priority);
    return at !== undefined && Date.now() - at < this.o.pollMs;
  }

  wakeAll(): void {
    for (const w of [...this.waiters.keys()]) w();
  }

  private onWake(payload: string): void {
    this.wakes++;
    for (const token of payload.split(',')) {
      if (token === 'd') this.delayedHint = true;
      else if (token === 'r') this.drained.clear();
      else if (token !== '') {
        const p = levelOf(token);
        if (Number.isNaN(p)) continue;
        this.drained.delete(p);
        if (!this.levels.has(p)) void this.level(p).catch(() => {});
      }
    }
    this.wakeAll();
  }
}

async function declareStream(jsm: JetStreamManager, config: Parameters<JetStreamManager['streams']['add']>[0]): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (err) {
    if (/already in use/i.test((err as Error).message)) return;
    throw serverError(err, `declare stream ${config.name}`);
  }
}

async function declareConsumer(jsm: JetStreamManager, stream: string, durable: string, subject: string, ackWaitMs: number): Promise<void> {
  try {
    await jsm.consumers.add(stream, {
      durable_name: durable, filter_subject: subject, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitMs), max_deliver: -1, max_ack_pending: 100_000, max_waiting: 4096,
    });
  } catch (err) {
    if (/already (in use|exists)/i.test((err as Error).message)) return;
    throw serverError(err, `declare consumer ${durable} on ${stream}`);
  }
}

/** A JetStream API failure as ODY_QUEUE_NATS_SERVER naming what was attempted. */
export function serverError(err: unknown, what: string): QueueNatsError {
  if (err instanceof QueueNatsError) return err;
  return new QueueNatsError('ODY_QUEUE_NATS_SERVER', `NATS JetStream refused to ${what}: ${(err as Error).message}.`, { cause: err, details: { what } });
}

/** Least time between two wake-up messages of one queue from one driver. */
const WAKE_GAP_MS = 5;
