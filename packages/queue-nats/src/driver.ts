import type {
  ClaimedJob, ClaimOptions, FailedJobRecord, FailReason, JobCounts, JobError, ListOptions, NewJob, PushResult, QueueDriver,
  RecoverResult,
} from '@ody/queue';
import type { MsgRequest } from '@nats-io/jetstream';
import { ConnectionEmitter, type ConnectionEvents } from './connection.js';
import { claimedHeader, newHeader, payloadBytes, readHeader, toClaimed, toHeaders } from './envelope.js';
import { failedSubject, getFailed, listFailed, markerKey, purgeFailed, retryFailed } from './failed.js';
import { ackConfirmed, awaitLink, closedError, type Link, openLink, publishConfirmed } from './link.js';
import { DELAYED_CONSUMER, levelToken } from './names.js';
import { type NatsDriverOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { Delivery } from './pull.js';
import { QueueState, serverError } from './state.js';

/** See NatsQueueDriver.capabilities(). */
export interface NatsCapabilities {
  serverVersion: string;
  /** The server supports scheduled messages (2.12+). */
  scheduledDelivery: boolean;
  /** How delayed jobs and backoffs wait: a delayed subject whose messages are nak'ed until due. */
  delayMode: 'nak-delay';
}

/** A delivery this driver handed out and still holds. */
interface Held {
  state: QueueState;
  reply: string;
  deadline: number;
  job: ClaimedJob;
  errors: JobError[];
}

/**
 * Queue driver on NATS JetStream: one work-queue stream per queue (a subject per priority level and
 * one for delayed jobs), a durable pull consumer per level, a failed stream, and a KV bucket for the
 * paused flag, dedupe markers and the completed counter. Pushes resolve after the PubAck.
 * @example
 * const driver = natsDriver({ servers: 'nats://127.0.0.1:4222' });
 * const queue = new Queue('emails', { driver });
 */
export class NatsQueueDriver implements QueueDriver {
  readonly name = 'nats';
  private readonly o: ResolvedOptions;
  private readonly events = new ConnectionEmitter();
  private readonly link: Promise<Link>;
  private readonly states = new Map<string, Promise<QueueState>>();
  /** The states whose promise resolved (the hot path reads them without an await). */
  private readonly ready = new Map<string, QueueState>();
  private readonly held = new Map<string, Held>();
  private nonce = 0;
  private closed = false;
  private linked: Link | undefined;

  constructor(options: NatsDriverOptions = {}) {
    this.o = resolveOptions(options);
    this.link = openLink(this.o, this.events, () => this.closed);
    this.link.then((l) => {
      this.linked = l;
    }, () => {});
  }

  /** Listen to connection events ('error', 'reconnecting', 'ready'); returns an unsubscribe function. */
  on<K extends keyof ConnectionEvents>(event: K, listener: ConnectionEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  /**
   * What the connected server offers and which delay mechanism the driver uses. Message scheduling
   * (nats-server ≥ 2.12) is detected but not used yet: delays always go through nak(delay), which works
   * on every JetStream server (see README "Delays").
   */
  async capabilities(): Promise<NatsCapabilities> {
    this.open();
    const link = await this.connected(Date.now() + this.o.pushTimeoutMs);
    const version = link.nc.info?.version ?? '0.0.0';
    const [major = 0, minor = 0] = version.split('.').map(Number);
    return { serverVersion: version, scheduledDelivery: major > 2 || (major === 2 && minor >= 12), delayMode: 'nak-delay' };
  }

  /** The stream and subject names of a queue (for inspection and tests). */
  async names(queue: string): Promise<QueueState['names']> {
    return (await this.state(queue)).names;
  }

  async push(queue: string, jobs: readonly NewJob[]): Promise<PushResult[]> {
    this.open();
    const deadline = Date.now() + this.o.pushTimeoutMs;
    const link = await this.connected(deadline, true);
    const t = await this.state(queue);
    const tokens = new Set<string>();
    const results: PushResult[] = [];
    // At most PUSH_WINDOW publishes in flight per call (a pushBulk of a million jobs stays bounded).
    for (let start = 0; start < jobs.length; start += PUSH_WINDOW) {
      const window = jobs.slice(start, start + PUSH_WINDOW);
      results.push(...(await Promise.all(window.map((job) => this.pushOne(link, t, job, deadline, tokens)))));
    }
    t.announce(tokens);
    return results;
  }

  async claim(queue: string, o: ClaimOptions): Promise<ClaimedJob[]> {
    this.open();
    const t = this.ready.get(queue) ?? (await this.state(queue));
    const link = this.linked ?? (await this.link);
    const deadline = Date.now() + o.waitMs;
    for (;;) {
      if (o.signal?.aborted || this.closed) return [];
      const wakes = t.wakes;
      if (!t.paused) {
        if (t.delayedHint || (t.nextDue > 0 && Date.now() >= t.nextDue)) await this.promote(link, t);
        const jobs = await this.take(link, t, o.max, o.leaseMs);
        if (jobs.length > 0) return jobs;
        if (t.wakes !== wakes) continue; // woken while pulling: look again at once
      }
      const now = Date.now();
      let wait = deadline - now;
      if (wait <= 0 || o.waitMs <= 0) return [];
      if (t.nextDue > 0) wait = Math.min(wait, Math.max(1, t.nextDue - now + 1));
      const woken = await t.wait(Math.min(wait, this.o.pollMs), o.signal);
      if (!woken && !t.paused && !this.closed) {
        t.delayedHint = true;
        t.drained.clear();
        await t.refreshLevels().catch(() => {});
      }
    }
  }

  async extend(_queue: string, jobs: readonly ClaimedJob[], leaseMs: number): Promise<boolean[]> {
    this.open();
    const link = await this.link;
    const deadline = Date.now() + leaseMs;
    return jobs.map((job) => {
      const h = this.held.get(job.lease);
      if (h === undefined) return false;
      h.deadline = deadline;
      try {
        link.nc.publish(h.reply, '+WPI');
      } catch {
        // disconnected: the publish is lost; the server's ack wait covers the lease meanwhile
      }
      return true;
    });
  }

  async complete(_queue: string, job: ClaimedJob): Promise<boolean> {
    this.open();
    const h = this.release(job);
    if (h === undefined) return false;
    const link = this.linked ?? (await this.link);
    if (!(await ackConfirmed(link, this.o, h.reply, Date.now() + this.o.pushTimeoutMs))) return false;
    if (job.dedupe) await this.dropMarker(link, h.state, job.id);
    h.state.tally.add(1);
    return true;
  }

  async retry(_queue: string, job: ClaimedJob, runAt: number, error: JobError): Promise<boolean> {
    this.open();
    const h = this.release(job);
    if (h === undefined) return false;
    const link = await this.link;
    const t = h.state;
    const header = claimedHeader({ ...job, attemptsMade: error.attempt, runAt: Math.round(runAt) }, [...h.errors, error]);
    const delayed = runAt > Date.now();
    const subject = delayed ? t.names.delayed : `${t.names.base}.r.${levelToken(job.priority)}`;
    await publishConfirmed(link, this.o, subject, payloadBytes(job.data), `${job.lease}:r`, toHeaders(header), Date.now() + this.o.pushTimeoutMs, () => this.closed);
    await ackConfirmed(link, this.o, h.reply, Date.now() + this.o.pushTimeoutMs);
    if (delayed) t.nextDue = t.nextDue > 0 ? Math.min(t.nextDue, runAt) : runAt;
    t.announce([delayed ? 'd' : levelToken(job.priority)]);
    return true;
  }

  async fail(_queue: string, job: ClaimedJob, reason: FailReason, error: JobError): Promise<boolean> {
    this.open();
    const h = this.release(job);
    if (h === undefined) return false;
    await this.moveToFailed(await this.link, h, { ...job, attemptsMade: error.attempt }, reason, error);
    return true;
  }

  async recover(queue: string, maxStalls: number): Promise<RecoverResult> {
    this.open();
    const t = await this.state(queue);
    t.maxStalls = maxStalls;
    const link = await this.link;
    const now = Date.now();
    const stalled: string[] = [];
    const failed: string[] = [];
    const tokens = new Set<string>();
    for (const [lease, h] of this.held) {
      if (h.state !== t || h.deadline > now) continue;
      this.held.delete(lease);
      const stalls = h.job.stalls + 1;
      if (stalls > maxStalls) {
        await this.moveToFailed(link, h, { ...h.job, stalls }, 'stalled', stalledError(h.job, stalls, maxStalls));
        failed.push(h.job.id);
      } else {
        // Republished with the stall counted (a nak would leave it "ack pending" in the consumer's
        // numbers until redelivered), then the old delivery acked.
        const subject = `${t.names.base}.r.${levelToken(h.job.priority)}`;
        const header = toHeaders(claimedHeader({ ...h.job, stalls }, h.errors));
        await publishConfirmed(link, this.o, subject, payloadBytes(h.job.data), `${lease}:s`, header, Date.now() + this.o.pushTimeoutMs, () => this.closed);
        await ackConfirmed(link, this.o, h.reply, Date.now() + this.o.pushTimeoutMs);
        stalled.push(h.job.id);
        tokens.add(levelToken(h.job.priority));
      }
    }
    t.announce(tokens);
    return { stalled, failed };
  }

  async pause(queue: string): Promise<void> {
    this.open();
    const t = await this.state(queue);
    await t.kv.put(t.names.pausedKey, '1').catch((e) => Promise.reject(serverError(e, 'pause the queue')));
    t.paused = true;
  }

  async resume(queue: string): Promise<void> {
    this.open();
    const t = await this.state(queue);
    await t.kv.delete(t.names.pausedKey).catch((e) => Promise.reject(serverError(e, 'resume the queue')));
    t.paused = false;
    t.announce(['r']);
  }

  async isPaused(queue: string): Promise<boolean> {
    this.open();
    const t = await this.state(queue);
    const e = await t.kv.get(t.names.pausedKey).catch((err) => Promise.reject(serverError(err, 'read the paused flag')));
    return e !== null && e.operation === 'PUT' && e.string() === '1';
  }

  async counts(queue: string): Promise<JobCounts> {
    this.open();
    const t = await this.state(queue);
    const link = await this.link;
    try {
      const completed = await t.tally.total();
      // From the consumers, not the stream: after a server crash nats-server 2.9 can keep messages
      // whose acks it had already recorded (the removal was not synced); no consumer delivers them again.
      let waiting = 0;
      let active = 0;
      let delayed = 0;
      for await (const ci of link.jsm.consumers.list(t.names.stream)) {
        if (ci.name === DELAYED_CONSUMER) delayed += ci.num_pending + ci.num_ack_pending;
        else {
          waiting += ci.num_pending;
          active += ci.num_ack_pending;
        }
      }
      const failed = (await link.jsm.streams.info(t.names.failedStream)).state.messages;
      return { waiting, delayed, active, completed, failed };
    } catch (err) {
      throw serverError(err, `count the jobs of queue '${queue}'`);
    }
  }

  /**
   * When the oldest waiting job became due (epoch ms), undefined when none waits. Per ready level with
   * pending messages: the first message after the consumer's delivered sequence (a STREAM.MSG.GET by
   * subject; nothing is consumed), its job header's runAt — the due time of a promoted delayed job or a
   * retry. A delayed job counts once a claim promoted it.
   */
  async oldestWaitingAt(queue: string): Promise<number | undefined> {
    this.open();
    const t = await this.state(queue);
    const link = await this.link;
    try {
      let oldest: number | undefined;
      for await (const ci of link.jsm.consumers.list(t.names.stream)) {
        const subject = ci.config.filter_subject;
        if (ci.name === DELAYED_CONSUMER || ci.num_pending === 0 || subject === undefined) continue;
        const query = { seq: ci.delivered.stream_seq + 1, next_by_subj: subject } as unknown as MsgRequest;
        const m = await link.jsm.streams.getMessage(t.names.stream, query);
        if (m === null) continue;
        const read = readHeader(m.header);
        const at = read.ok ? read.h.r : m.time.getTime();
        if (oldest === undefined || at < oldest) oldest = at;
      }
      return oldest;
    } catch (err) {
      throw serverError(err, `read the oldest waiting job of queue '${queue}'`);
    }
  }

  async listFailed(queue: string, options?: ListOptions): Promise<FailedJobRecord[]> {
    this.open();
    return (await listFailed(await this.link, await this.state(queue), options)).map((f) => f.record);
  }

  async getFailed(queue: string, id: string): Promise<FailedJobRecord | undefined> {
    this.open();
    return (await getFailed(await this.link, await this.state(queue), id))?.record;
  }

  async retryFailed(queue: string, ids?: readonly string[]): Promise<number> {
    this.open();
    const link = await this.link;
    return retryFailed(link, await this.state(queue), ids, (subject, data, msgID, header) =>
      publishConfirmed(link, this.o, subject, data, msgID, header, Date.now() + this.o.pushTimeoutMs, () => this.closed),
    );
  }

  async purgeFailed(queue: string, ids?: readonly string[]): Promise<number> {
    this.open();
    return purgeFailed(await this.link, await this.state(queue), ids);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const states = await Promise.all([...this.states.values()].map((p) => p.catch(() => undefined)));
    let link: Link | undefined;
    try {
      link = await Promise.race([this.link, new Promise<undefined>((r) => setTimeout(() => r(undefined), 0))]);
    } catch {
      link = undefined;
    }
    if (link !== undefined && !link.nc.isClosed()) {
      await Promise.race([Promise.all(states.map((s) => s?.tally.flush())), new Promise((r) => setTimeout(r, 2000))]);
    }
    for (const s of states) s?.close();
    this.held.clear();
    if (link !== undefined) {
      link.puller.close();
      link.replies.close();
      await link.nc.close().catch(() => {});
    }
  }

  private async pushOne(link: Link, t: QueueState, job: NewJob, deadline: number, tokens: Set<string>): Promise<PushResult> {
    let msgID = job.id;
    if (job.dedupe) {
      try {
        msgID = `${job.id}:${await link.kv.create(markerKey(t, job.id), '1')}`;
      } catch (err) {
        if (/wrong last sequence|key exists|exists/i.test((err as Error).message)) return { id: job.id, added: false };
        throw serverError(err, `record the dedupe marker of job ${job.id}`);
      }
    }
    const delayed = job.runAt > Date.now();
    const token = delayed ? 'd' : levelToken(job.priority);
    const subject = delayed ? t.names.delayed : `${t.names.base}.r.${token}`;
    if (!delayed && t.levelNow(job.priority) === undefined) await t.level(job.priority);
    try {
      await publishConfirmed(link, this.o, subject, payloadBytes(job.data), msgID, toHeaders(newHeader(job)), deadline, () => this.closed);
    } catch (err) {
      if (job.dedupe) await link.kv.delete(markerKey(t, job.id)).catch(() => {});
      throw err;
    }
    if (delayed) t.nextDue = t.nextDue > 0 ? Math.min(t.nextDue, job.runAt) : job.runAt;
    tokens.add(token);
    return { id: job.id, added: true };
  }

  /** Pull ready jobs, highest level first. */
  private async take(link: Link, t: QueueState, max: number, leaseMs: number): Promise<ClaimedJob[]> {
    const out: ClaimedJob[] = [];
    for (const priority of t.order) {
      if (out.length >= max) break;
      if (t.isDrained(priority)) continue;
      const level = t.levelNow(priority, leaseMs) ?? (await t.level(priority, leaseMs));
      const want = max - out.length;
      const wakes = t.wakes;
      const got = await link.puller.pull(t.names.stream, level.consumer, want);
      // Drained when the pull came back short or its last message said nothing was left behind it
      // (saves an empty pull per claim when workers keep up) — unless a wake-up arrived meanwhile.
      if ((got.length < want || got[got.length - 1]!.pending === 0) && t.wakes === wakes) t.drained.set(priority, Date.now());
      else t.drained.delete(priority);
      for (const d of got) {
        const job = await this.admit(link, t, d, leaseMs);
        if (job !== undefined) out.push(job);
      }
    }
    return out;
  }

  /** Hold a delivery under a new lease, or fail it at once when it stalled more than maxStalls. */
  private async admit(link: Link, t: QueueState, d: Delivery, leaseMs: number): Promise<ClaimedJob | undefined> {
    const lease = `${d.streamSeq}.${d.deliveryCount}.${++this.nonce}`;
    const { job, errors } = toClaimed(d.msg.headers, d.msg.data, `seq-${d.streamSeq}`, d.deliveryCount - 1, lease);
    const h: Held = { state: t, reply: d.msg.reply!, deadline: Date.now() + leaseMs, job, errors };
    if (t.maxStalls !== undefined && job.corrupt === undefined && job.stalls > t.maxStalls) {
      await this.moveToFailed(link, h, job, 'stalled', stalledError(job, job.stalls, t.maxStalls));
      return undefined;
    }
    this.held.set(lease, h);
    return job;
  }

  /** Move due delayed jobs to their ready level; put the others back with nak(delay) until due. */
  private async promote(link: Link, t: QueueState): Promise<void> {
    t.delayedHint = false;
    const overdue = t.nextDue > 0 && t.nextDue <= Date.now() ? t.nextDue : 0;
    if (overdue > 0) t.nextDue = 0;
    let promoted = 0;
    for (let round = 0; round < 100; round++) {
      const got = await link.puller.pull(t.names.stream, DELAYED_CONSUMER, 256);
      const tokens = new Set<string>();
      await Promise.all(got.map(async (d) => {
        const read = readHeader(d.msg.headers);
        const now = Date.now();
        if (read.ok && read.h.r > now) {
          link.nc.publish(d.msg.reply!, `-NAK ${JSON.stringify({ delay: (read.h.r - now) * 1_000_000 })}`);
          t.nextDue = t.nextDue > 0 ? Math.min(t.nextDue, read.h.r) : read.h.r;
          return;
        }
        const p = read.ok ? read.h.p : 0;
        await t.level(p);
        await publishConfirmed(link, this.o, `${t.names.base}.r.${levelToken(p)}`, d.msg.data, `promote:${d.streamSeq}`, d.msg.headers!, Date.now() + this.o.pushTimeoutMs, () => this.closed);
        await ackConfirmed(link, this.o, d.msg.reply!, Date.now() + this.o.pushTimeoutMs);
        tokens.add(levelToken(p));
        promoted++;
      }));
      if (tokens.size > 0) t.announce(tokens);
      if (got.length < 256) break;
    }
    // The server's nak(delay) timer may fire a little after our clock says due: look again shortly.
    const now = Date.now();
    if (overdue > 0 && promoted === 0 && now - overdue < 2_000) t.nextDue = t.nextDue > 0 ? Math.min(t.nextDue, now + 10) : now + 10;
  }

  private async moveToFailed(link: Link, h: Held, job: ClaimedJob, reason: FailReason, error: JobError): Promise<void> {
    const t = h.state;
    const header = claimedHeader(job, [...h.errors, error]);
    header.fr = reason;
    header.fa = Date.now();
    await publishConfirmed(link, this.o, failedSubject(t, job.id), payloadBytes(job.data), `${job.lease}:f`, toHeaders(header), Date.now() + this.o.pushTimeoutMs, () => this.closed);
    await ackConfirmed(link, this.o, h.reply, Date.now() + this.o.pushTimeoutMs);
    if (job.dedupe) await this.dropMarker(link, t, job.id);
  }

  private async dropMarker(link: Link, t: QueueState, id: string): Promise<void> {
    await link.kv.delete(markerKey(t, id)).catch(() => {});
  }

  /** Take a lease out of the held set (undefined: not held any more). */
  private release(job: ClaimedJob): Held | undefined {
    const h = this.held.get(job.lease);
    if (h !== undefined) this.held.delete(job.lease);
    return h;
  }

  private state(queue: string): Promise<QueueState> {
    let p = this.states.get(queue);
    if (p === undefined) {
      p = (async () => {
        const link = await this.connected(Date.now() + this.o.pushTimeoutMs);
        const s = new QueueState(queue, this.o, link.nc, link.jsm, link.kv);
        await s.init();
        return s;
      })();
      this.states.set(queue, p);
      p.then((s) => this.ready.set(queue, s), () => this.states.delete(queue));
    }
    return p;
  }

  private async connected(deadline: number, forPush = false): Promise<Link> {
    return this.linked ?? awaitLink(this.link, this.o, deadline, forPush);
  }

  private open(): void {
    if (this.closed) throw closedError();
  }
}

function stalledError(job: ClaimedJob, stalls: number, maxStalls: number): JobError {
  return {
    attempt: job.attemptsMade + 1, name: 'QueueError', code: 'ODY_QUEUE_JOB_STALLED', at: Date.now(),
    message: `Job ${job.id} lost its lease ${stalls} times (maxStalls ${maxStalls}); its workers kept dying or freezing.`,
  };
}

/** Create a NATS JetStream queue driver (connects in the background; nothing is registered globally). */
export function natsDriver(options: NatsDriverOptions = {}): NatsQueueDriver {
  return new NatsQueueDriver(options);
}

/** Jobs of one push call published concurrently. */
const PUSH_WINDOW = 1000;
