import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CqrsError } from '../errors.js';
import { Command, defineCommand, Query } from '../messages/message.js';
import { createBuses } from './create.js';

class PlaceOrder extends Command<string> {
  static schema = z.object({ sku: z.string().min(1) });
  constructor(readonly sku: string) {
    super();
  }
}
class GetOrder extends Query<number> {
  constructor(readonly id: string) {
    super();
  }
}
const Ping = defineCommand<{ n: number }, number>('Ping');

describe('command and query buses', () => {
  it('runs the one handler of a class command, a plain command and a query', async () => {
    const { commandBus, queryBus } = createBuses();
    commandBus.register(PlaceOrder, (cmd) => `order-${cmd.sku}`);
    commandBus.register(Ping, async (cmd) => cmd.n + 1);
    commandBus.register('Shout', { execute: (cmd: object) => `${(cmd as { word: string }).word}!` });
    queryBus.register(GetOrder, (q) => q.id.length);
    expect(await commandBus.execute(new PlaceOrder('a'))).toBe('order-a');
    expect(await commandBus.execute(Ping({ n: 1 }))).toBe(2);
    expect(await commandBus.execute({ type: 'Shout', word: 'hey' })).toBe('hey!');
    expect(await queryBus.execute(new GetOrder('abc'))).toBe(3);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const { commandBus } = createBuses();
    commandBus.register(PlaceOrder, () => {
      throw new Error('nope');
    });
    await expect(commandBus.execute(new PlaceOrder('a'))).rejects.toThrow('nope');
  });

  it('rejects a second handler for one command, naming the message and both handlers', () => {
    const { commandBus } = createBuses();
    commandBus.register(PlaceOrder, function first() {
      return 'x';
    });
    const err = (() => {
      try {
        commandBus.register(PlaceOrder, function second() {
          return 'y';
        });
      } catch (e) {
        return e;
      }
    })();
    expect(CqrsError.is(err, 'ODY_CQRS_DUPLICATE_HANDLER')).toBe(true);
    expect((err as Error).message).toContain("'PlaceOrder'");
    expect((err as Error).message).toContain("'first'");
    expect((err as Error).message).toContain("'second'");
  });

  it('names every registered command without a handler at the start-up check', () => {
    const { commandBus, queryBus, registry } = createBuses();
    registry.register('command', PlaceOrder);
    registry.register('command', Ping);
    registry.register('query', GetOrder);
    expect(() => commandBus.assertHandled()).toThrow(/'PlaceOrder', 'Ping' have no handler/);
    expect(() => queryBus.assertHandled()).toThrow(/'GetOrder' has no handler/);
    commandBus.register(PlaceOrder, () => 'x');
    expect(() => commandBus.assertHandled((name) => name === 'Ping')).not.toThrow();
  });

  it('rejects unrouted and malformed messages with typed errors', async () => {
    const { commandBus } = createBuses();
    await expect(commandBus.execute(new PlaceOrder('a'))).rejects.toMatchObject({ code: 'ODY_CQRS_NO_HANDLER' });
    await expect(commandBus.execute({ nope: 1 } as never)).rejects.toMatchObject({ code: 'ODY_CQRS_INVALID_MESSAGE' });
    await expect(commandBus.execute(null as never)).rejects.toMatchObject({ code: 'ODY_CQRS_INVALID_MESSAGE' });
    expect(() => commandBus.register(Ping, 42 as never)).toThrow(CqrsError);
  });

  it('dispatch() without a queue says what to add', async () => {
    const { commandBus } = createBuses();
    expect(() => commandBus.dispatch(new PlaceOrder('a'))).toThrow(/queuePlugin/);
  });

  it('two types under one name are refused', () => {
    const { commandBus } = createBuses();
    commandBus.register(PlaceOrder, () => 'x');
    const Other = class PlaceOrder extends Command<string> {};
    expect(() => commandBus.register(Other, () => 'y')).toThrow(expect.objectContaining({ code: 'ODY_CQRS_DUPLICATE_MESSAGE' }));
  });
});
