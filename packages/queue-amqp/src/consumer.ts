import type { ClaimedJob, ClaimOptions } from '@ody/queue';
import type { AsyncMessage, Channel, Connection, SyncMessage } from 'rabbitmq-client';
import { channelAcks, ChannelAcks } from './acks.js';
import { readJob, type StoredJob, toClaimed } from './envelope.js';

/** A message this process received and has not settled, on the channel that must ack it. */
export interface Delivery {
  ch: Channel;
  tag: number;
  job: StoredJob;
}

/** A delivery handed to a worker: its lease is valid until `deadline` or until its channel closes. */
interface Held extends Delivery {
  deadline: number;
}

/** A claim waiting for deliveries, until `deadline` or until its `signal` aborts. */
interface Waiter {
  max: number;
  leaseMs: number;
  deadline: number;
  signal: AbortSignal | undefined;
  resolve(jobs: ClaimedJob[]): void;
}

/** What a consumer needs from its driver. */
export interface ConsumerHost {
  readonly conn: Connection;
  /** The work queue to consume. */
  readonly queue: string;
  readonly pausePollMs: number;
  readonly holdMs: number;
  /** Read the shared pause flag from the broker. */
  readPaused(): Promise<boolean>;
  /** A redelivered message (its holder died or lost the connection): count the stall, then settle it. */
  onRedelivered(d: Delivery): void;
  /** Put received-but-unclaimed messages back (republish unchanged, then ack): they count no stall. */
  handBack(ds: Delivery[]): Promise<void>;
  /** Report an error nobody awaits. */
  onError(err: unknown): void;
}

let channelSeq = 0;

/**
 * The driver side of one work queue: a channel with one consumer whose prefetch follows the claims'
 * demand (held leases + jobs asked for), a small buffer of received messages, and the leases handed out.
 * `claim` with waitMs 0 reads with basic.get so it returns at once with what is ready.
 */
export class QueueConsumer {
  private ch: Channel | undefined;
  private opening: Promise<Channel> | undefined;
  private chId = 0;
  private tag: string | undefined;
  private prefetch = 0;
  private buffer: Delivery[] = [];
  private readonly held = new Map<string, Held>();
  private waiters: Waiter[] = [];
  private paused: boolean | undefined;
  private pausedReadAt = 0;
  private lastDemandAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private dispatching = false;
  private waitTimer: NodeJS.Timeout | undefined;
  private waitTimerAt = 0;
  /** Abort signals of claims that this consumer listens to (one listener each). */
  private readonly watched = new WeakSet<AbortSignal>();
  private subscribing: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: ConsumerHost) {}

  /** Jobs received and not yet claimed (they are 'waiting' from the user's point of view). */
  get buffered(): number {
    return this.buffer.length;
  }

  /** When the oldest received-but-unclaimed job became due (they are waiting too, though no longer in the broker's queue). */
  get oldestBufferedAt(): number | undefined {
    let oldest: number | undefined;
    for (const d of this.buffer) if (oldest === undefined || d.job.state.runAt < oldest) oldest = d.job.state.runAt;
    return oldest;
  }

  /** Jobs handed out whose lease this process holds. */
  get active(): number {
    return this.held.size;
  }

  private async channel(): Promise<Channel> {
    if (this.ch?.active) return this.ch;
    if (this.opening === undefined) {
      this.opening = this.host.conn.acquire().then((ch) => {
        const id = ++channelSeq;
        channelAcks.set(ch, new ChannelAcks(ch));
        ch.on('close', () => this.onClose(ch));
        this.ch = ch;
        this.chId = id;
        this.prefetch = 0;
        this.tag = undefined;
        return ch;
      });
      this.opening.then(() => (this.opening = undefined), () => (this.opening = undefined));
    }
    return this.opening;
  }

  private onClose(ch: Channel): void {
    // The broker requeues everything this channel held; our copies are void.
    this.buffer = this.buffer.filter((d) => d.ch !== ch);
    for (const [lease, h] of this.held) if (h.ch === ch) this.held.delete(lease);
    if (this.ch !== ch) return;
    this.ch = undefined;
    this.tag = undefined;
    this.prefetch = 0;
    if (this.waiters.length > 0 && !this.closed) this.restart();
  }

  private restart(): void {
    const want = this.held.size + this.waiters.reduce((n, w) => n + w.max, 0);
    this.consume(want).catch((err) => {
      this.host.onError(err);
      if (!this.closed && this.waiters.length > 0) setTimeout(() => this.restart(), 200).unref();
    });
  }

  private receive(ch: Channel, msg: AsyncMessage | SyncMessage): Delivery | undefined {
    channelAcks.get(ch)?.received(msg.deliveryTag);
    const d: Delivery = { ch, tag: msg.deliveryTag, job: readJob(msg) };
    if (msg.redelivered) {
      this.host.onRedelivered(d);
      return undefined;
    }
    return d;
  }

  /**
   * Consume with a per-consumer prefetch of at least `want` (RabbitMQ's channel-wide "global" prefetch is
   * several times slower, above all on priority queues). A higher demand re-subscribes: the new consumer
   * starts before the old one is cancelled, and what the old one delivered stays ackable on the channel.
   */
  private consume(want: number): Promise<void> {
    if (this.tag !== undefined && this.ch?.active && want <= this.prefetch) return Promise.resolve();
    const next = this.subscribing.then(() => this.subscribe(want));
    this.subscribing = next.catch(() => undefined);
    return next;
  }

  private async subscribe(want: number): Promise<void> {
    const ch = await this.channel();
    if (this.tag !== undefined && want <= this.prefetch) return;
    const prefetch = Math.max(want, this.prefetch, 1);
    const old = this.tag;
    await ch.basicQos({ prefetchCount: prefetch, global: false });
    const ok = await ch.basicConsume({ queue: this.host.queue }, (msg) => {
      const d = this.receive(ch, msg);
      if (d === undefined) return;
      this.buffer.push(d);
      this.dispatchSoon();
    });
    if (this.ch !== ch) return;
    this.tag = ok.consumerTag;
    this.prefetch = prefetch;
    if (old !== undefined) await ch.basicCancel(old).catch((err) => this.host.onError(err));
    this.timer ??= setInterval(() => void this.tick(), Math.min(this.host.pausePollMs, this.host.holdMs));
    this.timer.unref();
  }

  private take(max: number, leaseMs: number): ClaimedJob[] {
    const out: ClaimedJob[] = [];
    const deadline = Date.now() + leaseMs;
    const taken = this.buffer.length <= max ? this.buffer : this.buffer.slice(0, max);
    this.buffer = taken === this.buffer ? [] : this.buffer.slice(max);
    for (const d of taken) {
      const lease = `${this.chId}:${d.tag}`;
      this.held.set(lease, { ch: d.ch, tag: d.tag, job: d.job, deadline });
      out.push(toClaimed(d.job, lease));
    }
    return out;
  }

  /**
   * Answer the first waiting claim now when the buffer fills it, else after the deliveries already read
   * from the socket (each comes in its own setImmediate): one claim then takes them all.
   */
  private dispatchSoon(): void {
    const w = this.waiters[0];
    if (w === undefined) return;
    if (this.buffer.length >= w.max) {
      this.dispatch();
      return;
    }
    if (this.dispatching) return;
    this.dispatching = true;
    setImmediate(this.dispatchLater);
  }

  private readonly dispatchLater = (): void => {
    this.dispatching = false;
    this.dispatch();
  };

  private dispatch(): void {
    while (this.waiters.length > 0 && this.buffer.length > 0) {
      const w = this.waiters.shift()!;
      this.lastDemandAt = Date.now();
      w.resolve(this.take(w.max, w.leaseMs));
    }
  }

  /**
   * Wait for deliveries. One timer for all waiters (armed for the earliest deadline, left running when a
   * waiter is answered) and one abort listener per signal, not one of each per claim.
   */
  private wait(o: ClaimOptions): Promise<ClaimedJob[]> {
    return new Promise<ClaimedJob[]>((resolve) => {
      const deadline = Date.now() + o.waitMs;
      this.waiters.push({ max: o.max, leaseMs: o.leaseMs, deadline, signal: o.signal, resolve });
      const signal = o.signal;
      if (signal !== undefined && !this.watched.has(signal)) {
        this.watched.add(signal);
        signal.addEventListener('abort', () => this.abortWaiters(signal), { once: true });
      }
      this.armWaitTimer(deadline);
    });
  }

  private armWaitTimer(deadline: number): void {
    if (this.waitTimer !== undefined) {
      if (this.waitTimerAt <= deadline) return;
      clearTimeout(this.waitTimer);
    }
    this.waitTimerAt = deadline;
    this.waitTimer = setTimeout(this.expireWaiters, Math.max(0, deadline - Date.now()));
    this.waitTimer.unref();
  }

  private readonly expireWaiters = (): void => {
    this.waitTimer = undefined;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    const due: Waiter[] = [];
    this.waiters = this.waiters.filter((w) => {
      if (w.deadline <= now) {
        due.push(w);
        return false;
      }
      if (w.deadline < next) next = w.deadline;
      return true;
    });
    if (next !== Number.POSITIVE_INFINITY) this.armWaitTimer(next);
    this.answerEmpty(due, now);
  };

  private abortWaiters(signal: AbortSignal): void {
    const aborted = this.waiters.filter((w) => w.signal === signal);
    if (aborted.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.signal !== signal);
    this.answerEmpty(aborted, Date.now());
  }

  private answerEmpty(ws: Waiter[], now: number): void {
    if (ws.length === 0) return;
    this.lastDemandAt = now;
    for (const w of ws) w.resolve([]);
  }

  /** The shared pause flag, read from the broker at most every pausePollMs. */
  async isPaused(force = false): Promise<boolean> {
    if (force || this.paused === undefined || Date.now() - this.pausedReadAt > this.host.pausePollMs) {
      this.pausedReadAt = Date.now();
      this.paused = await this.host.readPaused();
    }
    return this.paused;
  }

  /** Set the pause flag this process sees (after writing it to the broker); pausing stops consuming. */
  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    this.pausedReadAt = Date.now();
    if (paused) await this.stop();
  }

  /** See QueueDriver.claim. */
  claim(o: ClaimOptions): Promise<ClaimedJob[]> {
    if (this.closed) return Promise.resolve([]);
    const now = Date.now();
    this.lastDemandAt = now;
    // Fast paths, while the pause flag is fresh and not set: jobs are already here, or the consumer is
    // subscribed with prefetch for this demand and the claim just waits for the next delivery.
    if (this.paused === false && now - this.pausedReadAt <= this.host.pausePollMs) {
      if (this.buffer.length > 0) return Promise.resolve(this.take(o.max, o.leaseMs));
      if (o.waitMs > 0 && this.tag !== undefined && this.ch?.active && this.held.size + o.max <= this.prefetch && !o.signal?.aborted) {
        return this.wait(o);
      }
    }
    return this.claimSlow(o);
  }

  private async claimSlow(o: ClaimOptions): Promise<ClaimedJob[]> {
    if (await this.isPaused()) {
      await this.stop();
      await idle(Math.min(o.waitMs, this.host.pausePollMs), o.signal);
      return [];
    }
    if (this.buffer.length > 0) return this.take(o.max, o.leaseMs);
    if (o.waitMs === 0) return this.get(o.max, o.leaseMs);
    await this.consume(this.held.size + o.max);
    if (this.buffer.length > 0) return this.take(o.max, o.leaseMs);
    if (o.signal?.aborted || this.closed) return [];
    return this.wait(o);
  }

  private async get(max: number, leaseMs: number): Promise<ClaimedJob[]> {
    const ch = await this.channel();
    let got = 0;
    while (got < max) {
      const msg = await ch.basicGet({ queue: this.host.queue });
      if (msg === undefined) break;
      const d = this.receive(ch, msg);
      if (d === undefined) continue;
      this.buffer.push(d);
      got++;
    }
    return this.take(max, leaseMs);
  }

  /** The held delivery of a lease, if this process still holds it. */
  lease(lease: string): Held | undefined {
    return this.held.get(lease);
  }

  /** Give up a lease (before settling its message); false when it was not held. */
  release(lease: string): boolean {
    return this.held.delete(lease);
  }

  /** Leases past their deadline, released. */
  expired(now = Date.now()): Delivery[] {
    const out: Delivery[] = [];
    for (const [lease, h] of this.held) {
      if (h.deadline < now) {
        this.held.delete(lease);
        out.push(h);
      }
    }
    return out;
  }

  private async tick(): Promise<void> {
    try {
      const idleFor = Date.now() - this.lastDemandAt;
      const noDemand = this.waiters.length === 0 && idleFor > this.host.holdMs;
      if ((await this.isPaused()) || (noDemand && this.held.size === 0) || (noDemand && this.buffer.length > 0)) await this.stop();
    } catch (err) {
      this.host.onError(err);
    }
  }

  /** Cancel the consumer and put unclaimed messages back. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const ch = this.ch;
    await this.subscribing;
    const current = this.tag;
    this.tag = undefined;
    this.prefetch = 0;
    if (ch?.active && current !== undefined) await ch.basicCancel(current).catch((err) => this.host.onError(err));
    const back = this.buffer.splice(0);
    if (back.length > 0) await this.host.handBack(back);
  }

  /**
   * Return a delivery to the broker (nack, requeue) after a failed settle, so it is not stuck unacked on a
   * live channel; it comes back redelivered and counts a stall.
   */
  static requeue(d: Delivery): void {
    const acks = channelAcks.get(d.ch);
    if (acks !== undefined) acks.nack(d.tag);
    else if (d.ch.active) d.ch.basicNack({ deliveryTag: d.tag, requeue: true });
  }

  /**
   * Ack a delivery on its channel (sent at the end of the tick, with the other acks of the tick); false
   * when the channel is gone (the broker requeued it).
   */
  static ack(d: Delivery): boolean {
    const acks = channelAcks.get(d.ch);
    if (acks !== undefined) return acks.ack(d.tag);
    if (!d.ch.active) return false;
    d.ch.basicAck({ deliveryTag: d.tag });
    return true;
  }

  /** Stop, answer waiting claims with nothing, and close the channel (held leases go back to the queue). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.waitTimer !== undefined) clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    for (const w of this.waiters.splice(0)) w.resolve([]);
    await this.stop();
    if (this.ch !== undefined) channelAcks.get(this.ch)?.flush();
    await this.ch?.close().catch(() => undefined);
  }
}

function idle(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
