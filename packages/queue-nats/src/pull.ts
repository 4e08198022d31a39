import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** A delivered JetStream message with what its ack subject says. */
export interface Delivery {
  msg: Msg;
  /** 1 on the first delivery. */
  deliveryCount: number;
  streamSeq: number;
}

/** Parse a `$JS.ACK...` reply subject (v1: 9 tokens; v2 with domain and account hash: 12). */
export function parseAck(reply: string): { deliveryCount: number; streamSeq: number } | undefined {
  const t = reply.split('.');
  if (t[0] !== '$JS' || t[1] !== 'ACK') return undefined;
  const o = t.length === 9 ? 2 : 4;
  const deliveryCount = Number(t[o + 2]);
  const streamSeq = Number(t[o + 3]);
  if (!Number.isFinite(deliveryCount) || !Number.isFinite(streamSeq)) return undefined;
  return { deliveryCount, streamSeq };
}

/**
 * No-wait pull requests on durable consumers. The official client's `fetch()` waits at least a second
 * when nothing is there; a claim must answer at once and wait on the driver's wake-ups instead, so the
 * driver sends `CONSUMER.MSG.NEXT` with `no_wait` itself, each request on its own inbox subscription
 * (JetStream delivers with the stored subject, so only the subscription tells requests apart).
 */
export class Puller {
  private readonly base = createInbox();
  private readonly open = new Set<() => void>();
  private next = 0;
  private readonly chains = new Map<string, Promise<void>>();

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
    const before = this.chains.get(key) ?? Promise.resolve();
    const mine = before.then(() => this.request(stream, consumer, batch));
    const tail = mine.then(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return mine;
  }

  private request(stream: string, consumer: string, batch: number): Promise<Delivery[]> {
    const inbox = `${this.base}.${++this.next}`;
    return new Promise((resolve) => {
      const got: Delivery[] = [];
      let sub: Subscription | undefined;
      const done = () => {
        clearTimeout(timer);
        this.open.delete(done);
        sub?.unsubscribe();
        resolve(got);
      };
      const timer = setTimeout(done, this.timeoutMs);
      this.open.add(done);
      try {
        sub = this.nc.subscribe(inbox, {
          callback: (err, msg) => {
            if (err || !msg.reply) return done(); // a status (404 no messages, 408, 409): the request is over
            const info = parseAck(msg.reply);
            if (info === undefined) return;
            got.push({ msg, ...info });
            if (got.length >= batch) done();
          },
        });
        this.nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`, JSON.stringify({ batch, no_wait: true }), { reply: inbox });
      } catch {
        done();
      }
    });
  }

  close(): void {
    for (const done of [...this.open]) done();
  }
}
