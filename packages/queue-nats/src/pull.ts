import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** A delivered JetStream message with what its ack subject says. */
export interface Delivery {
  msg: Msg;
  /** 1 on the first delivery. */
  deliveryCount: number;
  streamSeq: number;
  /** Messages the consumer still had to deliver when the server sent this one (0: it was the last). */
  pending: number;
}

/**
 * Parse a `$JS.ACK...` reply subject (v1: `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>`;
 * v2 adds domain and account hash after ACK and a token at the end).
 */
export function parseAck(reply: string): { deliveryCount: number; streamSeq: number; pending: number } | undefined {
  const t = reply.split('.');
  if (t[0] !== '$JS' || t[1] !== 'ACK') return undefined;
  const o = t.length === 9 ? 2 : 4;
  const deliveryCount = Number(t[o + 2]);
  const streamSeq = Number(t[o + 3]);
  if (!Number.isFinite(deliveryCount) || !Number.isFinite(streamSeq)) return undefined;
  const pending = Number(t[o + 6]);
  return { deliveryCount, streamSeq, pending: Number.isFinite(pending) ? pending : 1 };
}

interface Current {
  got: Delivery[];
  batch: number;
  done: () => void;
}

interface Inbox {
  subject: string;
  current: Current | undefined;
  sub: Subscription | undefined;
}

/**
 * No-wait pull requests on durable consumers. The official client's `fetch()` waits at least a second
 * when nothing is there; a claim must answer at once and wait on the driver's wake-ups instead, so the
 * driver sends `CONSUMER.MSG.NEXT` with `no_wait` itself, one inbox subscription per consumer
 * (JetStream delivers with the stored subject, so only the subscription tells requests apart; pulls on
 * one consumer are serialised, so a consumer's inbox serves one request at a time).
 */
export class Puller {
  private readonly base = createInbox();
  private readonly open = new Set<() => void>();
  private next = 0;
  private readonly chains = new Map<string, Promise<Delivery[]>>();
  private readonly inboxes = new Map<string, Inbox>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Up to `batch` messages that are available now (none: []). Pulls on one consumer go one at a time:
   * nats-server 2.9 parks a no-wait request that arrives while another one is being served instead of
   * answering 404, so concurrent ones would stall until the client timeout.
   */
  pull(stream: string, consumer: string, batch: number): Promise<Delivery[]> {
    const key = `${stream}.${consumer}`;
    const before = this.chains.get(key);
    const run = () => this.request(stream, consumer, batch);
    // No pull in progress on this consumer (the usual case): send it now, without a hop through the chain.
    const mine = before === undefined ? run() : before.then(run, run);
    this.chains.set(key, mine);
    const end = (): void => {
      if (this.chains.get(key) === mine) this.chains.delete(key);
    };
    mine.then(end, end);
    return mine;
  }

  private request(stream: string, consumer: string, batch: number): Promise<Delivery[]> {
    const inbox = this.inboxOf(`${stream}.${consumer}`);
    return new Promise((resolve) => {
      const got: Delivery[] = [];
      const done = () => {
        clearTimeout(timer);
        this.open.delete(done);
        if (inbox.current === entry) inbox.current = undefined;
        resolve(got);
      };
      const entry: Current = { got, batch, done };
      const timer = setTimeout(done, this.timeoutMs);
      this.open.add(done);
      inbox.current = entry;
      try {
        this.nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`, JSON.stringify({ batch, no_wait: true }), { reply: inbox.subject });
      } catch {
        done();
      }
    });
  }

  /**
   * One inbox subscription per consumer, reused by its (serialised) pulls; a message that arrives
   * when no pull is current (after a client-side timeout) is put back with a nak.
   */
  private inboxOf(key: string): Inbox {
    let inbox = this.inboxes.get(key);
    if (inbox === undefined) {
      const created: Inbox = { subject: `${this.base}.${++this.next}`, current: undefined, sub: undefined };
      created.sub = this.nc.subscribe(created.subject, {
        callback: (err, msg) => {
          const entry = created.current;
          if (err || !msg.reply) {
            entry?.done(); // a status (404 no messages, 408, 409): the request is over
            return;
          }
          const info = parseAck(msg.reply);
          if (info === undefined) return;
          if (entry === undefined) {
            msg.respond('-NAK');
            return;
          }
          entry.got.push({ msg, ...info });
          if (entry.got.length >= entry.batch) entry.done();
        },
      });
      inbox = created;
      this.inboxes.set(key, inbox);
    }
    return inbox;
  }

  close(): void {
    for (const done of [...this.open]) done();
    for (const inbox of this.inboxes.values()) inbox.sub?.unsubscribe();
    this.inboxes.clear();
  }
}
