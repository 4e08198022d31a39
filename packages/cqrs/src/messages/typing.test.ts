import { describe, expectTypeOf, it } from 'vitest';
import { createBuses } from '../buses/create.js';
import { Command, defineCommand, Query, type ResultOf } from './message.js';

class PlaceOrder extends Command<{ orderId: string }> {
  constructor(readonly sku: string) {
    super();
  }
}
class Archive extends Command {}
class GetOrder extends Query<{ id: string; total: number } | undefined> {
  constructor(readonly id: string) {
    super();
  }
}
const Ping = defineCommand<{ n: number }, number>('Ping');

// Type-level checks: the calls below are compiled (tsc/vitest typecheck) but never awaited for values,
// so every promise is caught to keep the run clean.
const silence = <T>(p: Promise<T>) => {
  p.catch(() => undefined);
  return p;
};

describe('message typing', () => {
  it('types execute() by the result the command declares', () => {
    const bus = createBuses().commandBus;
    expectTypeOf(silence(bus.execute(new PlaceOrder('a')))).toEqualTypeOf<Promise<{ orderId: string }>>();
    expectTypeOf(silence(bus.execute(new Archive()))).toEqualTypeOf<Promise<void>>();
    expectTypeOf(silence(bus.execute(Ping({ n: 1 })))).toEqualTypeOf<Promise<number>>();
    expectTypeOf(silence(bus.execute({ type: 'Untyped' }))).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf<ResultOf<PlaceOrder>>().toEqualTypeOf<{ orderId: string }>();
  });

  it('types query results and keeps commands and queries apart', () => {
    const queries = createBuses().queryBus;
    expectTypeOf(silence(queries.execute(new GetOrder('1')))).toEqualTypeOf<Promise<{ id: string; total: number } | undefined>>();
    // @ts-expect-error a query is not a command
    silence(createBuses().commandBus.execute(new GetOrder('1')));
    // @ts-expect-error a plain object without `type` is not a message
    silence(createBuses().commandBus.execute({ sku: 'x' }));
  });

  it('types handlers by the message they register for', () => {
    const bus = createBuses().commandBus;
    bus.register(PlaceOrder, (cmd) => {
      expectTypeOf(cmd).toEqualTypeOf<PlaceOrder>();
      return { orderId: cmd.sku };
    });
    bus.register(Ping, async (cmd) => cmd.n + 1);
    // @ts-expect-error the handler must return the declared result
    createBuses().commandBus.register(PlaceOrder, () => 42);
    // @ts-expect-error wrong result type
    createBuses().queryBus.register(GetOrder, () => 'nope');
  });
});
