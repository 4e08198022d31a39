import { describe, expect, it } from 'vitest';
import { CqrsError } from '../errors.js';
import { Event } from '../messages/message.js';
import { createBuses } from './create.js';

class OrderPlaced extends Event {
  constructor(readonly id: string) {
    super();
  }
}

describe('event bus', () => {
  it('delivers to every handler and awaits them', async () => {
    const { eventBus } = createBuses();
    const seen: string[] = [];
    eventBus.register(OrderPlaced, async function mail(e) {
      await new Promise((r) => setImmediate(r));
      seen.push(`mail:${e.id}`);
    });
    eventBus.register(OrderPlaced, { handle: (e: OrderPlaced) => void seen.push(`stock:${e.id}`) }, { name: 'stock' });
    await eventBus.publish(new OrderPlaced('o1'));
    expect(seen.sort()).toEqual(['mail:o1', 'stock:o1']);
    await eventBus.publish({ type: 'NobodyListens' });
  });

  it('isolates failures: the others still run, and all failures are reported together', async () => {
    const { eventBus } = createBuses();
    const ran: string[] = [];
    eventBus.register(OrderPlaced, function audit() {
      ran.push('audit');
    });
    eventBus.register(OrderPlaced, function mail() {
      throw new Error('smtp down');
    });
    eventBus.register(OrderPlaced, async function stock() {
      throw new CqrsError('ODY_CQRS_VALIDATION', 'bad stock');
    });
    eventBus.register(OrderPlaced, function last() {
      ran.push('last');
    });
    const err = await eventBus.publish(new OrderPlaced('o1')).catch((e: unknown) => e);
    expect(ran).toEqual(['audit', 'last']);
    expect(CqrsError.is(err, 'ODY_CQRS_EVENT_HANDLERS_FAILED')).toBe(true);
    const e = err as CqrsError;
    expect(e.message).toContain("event 'OrderPlaced'");
    expect(e.details.failures).toEqual([
      { handler: 'mail', message: 'smtp down', code: undefined },
      { handler: 'stock', message: 'bad stock', code: 'ODY_CQRS_VALIDATION' },
    ]);
    expect((e.cause as AggregateError).errors).toHaveLength(2);
  });

  it('reports a single failing handler the same way', async () => {
    const { eventBus } = createBuses();
    eventBus.register(OrderPlaced, function only() {
      throw new Error('x');
    });
    await expect(eventBus.publish(new OrderPlaced('1'))).rejects.toMatchObject({
      code: 'ODY_CQRS_EVENT_HANDLERS_FAILED',
      details: { event: 'OrderPlaced', failures: [{ handler: 'only', message: 'x', code: undefined }] },
    });
  });

  it('refuses two handlers with one name on one event', () => {
    const { eventBus } = createBuses();
    eventBus.register(OrderPlaced, () => undefined, { name: 'h' });
    expect(() => eventBus.register(OrderPlaced, () => undefined, { name: 'h' })).toThrow(/already has a handler named 'h'/);
  });
});
