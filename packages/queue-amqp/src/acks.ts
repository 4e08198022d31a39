import type { Channel } from 'rabbitmq-client';

/**
 * The acks of one channel, coalesced per tick: acks issued in one turn of the event loop go out at the
 * end of it as one `basic.ack multiple=true` for those below every still-outstanding delivery, and single
 * acks for the others. A multiple ack never covers a delivery this process still holds or buffers: it
 * stops below the lowest outstanding tag (tags grow with each delivery of the channel, and every delivery
 * of the channel is registered here when it arrives). Fewer frames for the client and for the broker.
 */
export class ChannelAcks {
  /** Delivered and neither acked nor nacked (bounded by the prefetch plus basic.get reads). */
  private readonly outstanding = new Set<number>();
  private pending: number[] = [];
  private scheduled = false;
  private readonly flushBound = () => this.flush();

  constructor(readonly ch: Channel) {}

  /** Register a delivery as it arrives. */
  delivered(tag: number): void {
    this.outstanding.add(tag);
  }

  /** Ack a delivery (sent at the end of this tick); false when the channel is gone (the broker requeued it). */
  ack(tag: number): boolean {
    if (!this.ch.active) return false;
    this.outstanding.delete(tag);
    this.pending.push(tag);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flushBound);
    }
    return true;
  }

  /** Give a delivery back to the queue (nack, requeue) at once. */
  requeue(tag: number): void {
    if (!this.ch.active) return;
    this.outstanding.delete(tag);
    this.ch.basicNack({ deliveryTag: tag, requeue: true });
  }

  /** Send the acks of this tick (also called before the channel is closed on purpose). */
  flush(): void {
    this.scheduled = false;
    const tags = this.pending;
    if (tags.length === 0) return;
    this.pending = [];
    if (!this.ch.active) return; // the broker requeues them; their leases were void anyway
    if (tags.length === 1) {
      this.ch.basicAck({ deliveryTag: tags[0]! });
      return;
    }
    let floor = Number.POSITIVE_INFINITY;
    for (const t of this.outstanding) if (t < floor) floor = t;
    // The highest pending tag below every outstanding one: a multiple ack up to it covers exactly the
    // pending tags below `floor` (the other tags below it are settled already, so not unacked at the broker).
    let top = 0;
    for (const t of tags) if (t < floor && t > top) top = t;
    if (top > 0) this.ch.basicAck({ deliveryTag: top, multiple: true });
    for (const t of tags) if (t > floor) this.ch.basicAck({ deliveryTag: t });
  }
}
