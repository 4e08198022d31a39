import type { Channel } from 'rabbitmq-client';

/**
 * Settlement bookkeeping of one consumer channel. Acks issued in one tick go out together after it: when
 * they and every lower delivery tag of the channel are settled, as one basic.ack with `multiple` (one frame
 * and one socket write instead of one each); the rest one by one. A tag that never reached this process
 * (a gap) stops the multiple ack below it, so nothing is acked that was not handed to us and settled here.
 */
export class ChannelAcks {
  /** Delivery tags received on the channel and not acked or nacked yet. */
  private readonly open = new Set<number>();
  /** Highest tag received (the broker numbers a channel's deliveries 1, 2, 3…). */
  private last = 0;
  /** Every tag below `low` is settled. */
  private low = 1;
  /** Lowest tag that never reached us; a multiple ack stays below it. */
  private gap = Number.POSITIVE_INFINITY;
  private pending: number[] = [];
  private scheduled = false;
  private readonly flushNow = (): void => this.flush();

  constructor(private readonly ch: Channel) {}

  received(tag: number): void {
    if (tag > this.last + 1 && this.gap === Number.POSITIVE_INFINITY) this.gap = this.last + 1;
    if (tag > this.last) this.last = tag;
    this.open.add(tag);
  }

  /** Queue an ack for the end of this tick; false when the channel is gone (the broker requeued the message). */
  ack(tag: number): boolean {
    if (!this.ch.active) return false;
    if (!this.open.delete(tag)) return true; // settled already: a second ack would close the channel
    this.pending.push(tag);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flushNow);
    }
    return true;
  }

  nack(tag: number): void {
    if (this.ch.active && this.open.delete(tag)) this.ch.basicNack({ deliveryTag: tag, requeue: true });
  }

  /** Send the queued acks. */
  flush(): void {
    this.scheduled = false;
    const tags = this.pending;
    if (tags.length === 0) return;
    this.pending = [];
    if (!this.ch.active) return;
    while (this.low <= this.last && this.low < this.gap && !this.open.has(this.low)) this.low++;
    let upTo = 0;
    for (const tag of tags) {
      if (tag < this.low) {
        if (tag > upTo) upTo = tag;
      } else this.ch.basicAck({ deliveryTag: tag });
    }
    // `upTo` itself is unacked (it is one of ours), so the broker knows the tag.
    if (upTo > 0) this.ch.basicAck({ deliveryTag: upTo, multiple: true });
  }
}

/** The settlement bookkeeping of each consumer channel. */
export const channelAcks = new WeakMap<Channel, ChannelAcks>();
