import { describe, expect, it } from 'vitest';
import { amqpPriority, delayBucket, delayedExchange, queueNames } from './names.js';
import { resolveOptions } from './options.js';

describe('delayBucket', () => {
  it('never rounds down and stays within 12.5% (or 10 ms) above the delay', () => {
    for (const ms of [1, 9, 10, 11, 150, 199, 200, 1000, 1234, 65_537, 3_600_001]) {
      const b = delayBucket(ms);
      expect(b).toBeGreaterThanOrEqual(ms);
      expect(b - ms).toBeLessThanOrEqual(Math.max(10, ms / 8));
    }
    expect(delayBucket(0)).toBe(0);
    expect(delayBucket(-5)).toBe(0);
  });
  it('maps jittered delays onto few buckets', () => {
    const buckets = new Set(Array.from({ length: 200 }, (_, i) => delayBucket(800 + i)));
    expect(buckets.size).toBeLessThanOrEqual(4);
  });
});

describe('amqpPriority', () => {
  it('keeps order inside [-max, max] and clamps outside', () => {
    expect([-5, -1, 0, 1, 5].map((p) => amqpPriority(p, 5))).toEqual([0, 4, 5, 6, 10]);
    expect(amqpPriority(999_999, 5)).toBe(10);
    expect(amqpPriority(-999_999, 5)).toBe(0);
  });
});

describe('queueNames', () => {
  it('prefixes every name and keeps dedupe marker names short whatever the job id', () => {
    const n = queueNames('shop', 'orders');
    expect([n.main, n.failed, n.paused, n.delay(250)]).toEqual(['shop.orders', 'shop.orders.failed', 'shop.orders.paused', 'shop.orders.delay.250']);
    expect(n.dedupe('x'.repeat(1000)).length).toBeLessThan(60);
    expect(n.dedupe('a')).not.toBe(n.dedupe('b'));
  });
});

describe('resolveOptions', () => {
  it('fills defaults', () => {
    const o = resolveOptions({ url: 'amqp://h' });
    expect(o).toMatchObject({ prefix: 'ody', maxPriority: 5, pushTimeoutMs: 30_000, dedupeWindowMs: 86_400_000, exchange: undefined });
    expect(o.routingKey('orders', 'place')).toBe('orders.place');
  });
  it('rejects bad values with a typed error naming the option', () => {
    for (const bad of [{ url: 'http://x' }, { prefix: 'a b' }, { maxPriority: 200 }, { pushTimeoutMs: 0 }, { holdMs: 1.5 }]) {
      expect(() => resolveOptions(bad)).toThrow(expect.objectContaining({ code: 'ODY_QUEUE_OPTIONS_INVALID' }));
    }
  });
});

describe('delayMode option', () => {
  it("defaults to 'auto', accepts the two modes, and refuses anything else with the contract code", () => {
    expect(resolveOptions({}).delayMode).toBe('auto');
    expect(resolveOptions({ delayMode: 'ttl-queues' }).delayMode).toBe('ttl-queues');
    expect(resolveOptions({ delayMode: 'delayed-exchange' }).delayMode).toBe('delayed-exchange');
    expect(() => resolveOptions({ delayMode: 'plugin' as never })).toThrow(expect.objectContaining({ code: 'ODY_QUEUE_OPTIONS_INVALID' }));
    expect(() => resolveOptions({ log: 'yes' as never })).toThrow(expect.objectContaining({ code: 'ODY_QUEUE_OPTIONS_INVALID' }));
  });
  it('names the delayed-message exchange under the prefix', () => {
    expect(delayedExchange('shop')).toBe('shop.delayed');
  });
});
