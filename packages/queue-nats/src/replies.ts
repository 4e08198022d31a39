import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

interface Waiting {
  resolve: (msg: Msg) => void;
  reject: (err: Error) => void;
  deadline: number;
}

/** A reply that did not come in time (retried like the client's own request timeout). */
export class ReplyTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Request/reply for the hot path (PubAcks, ack confirmations): one wildcard inbox subscription and a
 * map of waiting requests swept by one timer. The client's `request()` costs a timer and two Error
 * objects (stack captures) per call, which at one push and one ack per job was a fifth of the
 * driver's CPU. Same wire protocol: PUB with a reply subject, first answer wins.
 */
export class Replies {
  private readonly base = createInbox();
  private readonly waiting = new Map<string, Waiting>();
  private next = 0;
  private sub: Subscription | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly nc: NatsConnection) {
    // Like the client's own requests: a dropped connection fails what is waiting at once (the replies
    // are lost with it), so callers retry after the reconnect instead of waiting for their timeout.
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.failAll(new Error('connection disconnected'));
      }
    })().catch(() => {});
  }

  /** Publish `data` to `subject` and resolve with the first reply; rejects after `timeoutMs`. */
  request(subject: string, data: Uint8Array | string, timeoutMs: number, headers?: MsgHdrs): Promise<Msg> {
    this.subscribe();
    const token = (++this.next).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + timeoutMs });
      try {
        this.nc.publish(subject, data, headers === undefined ? { reply: `${this.base}.${token}` } : { reply: `${this.base}.${token}`, headers });
      } catch (err) {
        this.waiting.delete(token);
        reject(err as Error);
        return;
      }
      this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS);
    });
  }

  /** Reject everything still waiting (the connection is closing). */
  close(): void {
    this.failAll(new Error('connection closed'));
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.sub?.unsubscribe();
    this.sub = undefined;
  }

  private failAll(err: Error): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(err);
  }

  private subscribe(): void {
    if (this.sub !== undefined) return;
    const prefix = this.base.length + 1;
    this.sub = this.nc.subscribe(`${this.base}.*`, {
      callback: (err, msg) => {
        if (err) return; // the subscription itself failed: waiting requests time out and are retried
        const token = msg.subject.slice(prefix);
        const w = this.waiting.get(token);
        if (w === undefined) return; // answered after its timeout
        this.waiting.delete(token);
        if (msg.data.length === 0 && msg.headers?.code === 503) w.reject(new Error(`no responders: '${msg.subject}'`));
        else w.resolve(msg);
      },
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) continue;
      this.waiting.delete(token);
      w.reject(new ReplyTimeoutError('timeout'));
    }
    if (this.waiting.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

/** Timeout resolution of waiting requests. */
const SWEEP_MS = 50;
