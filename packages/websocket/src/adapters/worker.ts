import { randomUUID } from 'node:crypto';
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { PresenceReplica, type PresenceTransition } from '../presence/replica.js';
import type { Member } from '../protocol/messages.js';
import { type Adapter, type AdapterSink, memberFrame } from './adapter.js';

/** Options of the worker adapter. */
export interface WorkerAdapterOptions {
  /** BroadcastChannel name shared by the workers of one server; default `default`. */
  name?: string;
  /**
   * Every worker announces itself this often; one silent for 3 intervals (a crashed thread never
   * says goodbye) is dropped and its members removed. Default 1000 ms.
   */
  heartbeatMs?: number;
}

type Relay =
  | { t: 'pub'; o: string; c: string; f: string; x?: string }
  | { t: 'join'; o: string; c: string; k: string; m: Member }
  | { t: 'leave'; o: string; c: string; k: string }
  | { t: 'hello'; o: string }
  | { t: 'state'; o: string; to: string; n: number; e: Array<{ channel: string; connectionId: string; member: Member }> }
  | { t: 'count'; o: string; n: number }
  | { t: 'bye'; o: string };

/**
 * Joins the worker threads of one process: publishes are relayed over a BroadcastChannel into each
 * worker's uWS `app.publish`, and every worker keeps a replica of presence built from all workers'
 * joins and leaves, so `members()` agrees on every worker.
 */
export class WorkerAdapter implements Adapter {
  readonly name = 'worker';
  private readonly origin = `${process.pid}:${threadId}:${randomUUID().slice(0, 8)}`;
  private readonly presence = new PresenceReplica();
  private readonly counts = new Map<string, number>();
  private channel?: BroadcastChannel;
  private sink?: AdapterSink;
  private countTimer?: NodeJS.Immediate;
  private beatTimer?: NodeJS.Timeout;
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly options: WorkerAdapterOptions = {}) {}

  async start(sink: AdapterSink): Promise<void> {
    this.sink = sink;
    const channel = new BroadcastChannel(`ody:ws:${this.options.name ?? 'default'}`);
    channel.onmessage = (event) => this.receive((event as { data: Relay }).data);
    // The relay must not keep a worker alive on its own; servers and sockets do that.
    (channel as unknown as { unref?: () => void }).unref?.();
    this.channel = channel;
    this.counts.set(this.origin, 0);
    this.post({ t: 'hello', o: this.origin });
    const every = this.options.heartbeatMs ?? 1000;
    this.beatTimer = setInterval(() => this.beat(every), every);
    this.beatTimer.unref();
  }

  publish(channel: string, frame: string, except?: string): void {
    this.post({ t: 'pub', o: this.origin, c: channel, f: frame, x: except });
  }

  async join(channel: string, connectionId: string, member: Member): Promise<void> {
    this.emit(this.presence.join(channel, connectionId, member, this.origin));
    this.post({ t: 'join', o: this.origin, c: channel, k: connectionId, m: member });
  }

  async leave(channel: string, connectionId: string): Promise<void> {
    this.emit(this.presence.leave(channel, connectionId));
    this.post({ t: 'leave', o: this.origin, c: channel, k: connectionId });
  }

  async members(channel: string): Promise<Member[]> {
    return this.presence.members(channel);
  }

  setLocalConnections(count: number): void {
    this.counts.set(this.origin, count);
    // Coalesce bursts of opens/closes into one relay message.
    this.countTimer ??= setImmediate(() => {
      this.countTimer = undefined;
      this.post({ t: 'count', o: this.origin, n: this.counts.get(this.origin) ?? 0 });
    });
  }

  async connectionCount(): Promise<number> {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  async close(): Promise<void> {
    if (this.countTimer) clearImmediate(this.countTimer);
    clearInterval(this.beatTimer);
    this.post({ t: 'bye', o: this.origin });
    this.channel?.close();
    this.channel = undefined;
    this.sink = undefined;
  }

  private post(message: Relay): void {
    this.channel?.postMessage(message);
  }

  /** Announce this worker (with its count) and forget workers that went silent. */
  private beat(every: number): void {
    this.post({ t: 'count', o: this.origin, n: this.counts.get(this.origin) ?? 0 });
    const cutoff = performance.now() - 3 * every;
    for (const [origin, seen] of this.lastSeen) {
      if (seen >= cutoff) continue;
      this.lastSeen.delete(origin);
      this.counts.delete(origin);
      for (const t of this.presence.dropOrigin(origin)) this.emit(t);
    }
  }

  private emit(t: PresenceTransition | undefined): void {
    if (t) this.sink?.deliver(t.channel, memberFrame(t.kind, t.channel, t.member), t.connectionId);
  }

  private receive(m: Relay): void {
    if (!this.sink || m.o === this.origin) return;
    if (m.t === 'bye') this.lastSeen.delete(m.o);
    else this.lastSeen.set(m.o, performance.now());
    switch (m.t) {
      case 'pub':
        this.sink.deliver(m.c, m.f, m.x);
        return;
      case 'join':
        this.emit(this.presence.join(m.c, m.k, m.m, m.o));
        return;
      case 'leave':
        this.emit(this.presence.leave(m.c, m.k));
        return;
      case 'count':
        this.counts.set(m.o, m.n);
        return;
      case 'hello':
        // A worker started: tell it what this worker holds.
        this.post({
          t: 'state',
          o: this.origin,
          to: m.o,
          n: this.counts.get(this.origin) ?? 0,
          e: this.presence.entriesOf(this.origin),
        });
        return;
      case 'state':
        if (m.to !== this.origin) return;
        this.counts.set(m.o, m.n);
        for (const e of m.e) this.emit(this.presence.join(e.channel, e.connectionId, e.member, m.o));
        return;
      case 'bye':
        this.counts.delete(m.o);
        for (const t of this.presence.dropOrigin(m.o)) this.emit(t);
        return;
    }
  }
}

/** Relay publishes and presence across the worker threads of one process (BroadcastChannel). */
export function workerAdapter(options?: WorkerAdapterOptions): Adapter {
  return new WorkerAdapter(options);
}
