import { Writable } from 'node:stream';
import { createLogger, currentContext, runInContext } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBuses } from '../buses/create.js';
import { Command, Event } from '../messages/message.js';
import { correlation, messageMeta } from './correlation.js';
import { logging } from './logging.js';
import { retry } from './retry.js';
import { transaction } from './transaction.js';
import type { BusMiddleware } from './types.js';
import { validation } from './validation.js';

class PlaceOrder extends Command<string> {
  static schema = z.object({ sku: z.string().min(2) });
  constructor(readonly sku: string) {
    super();
  }
}
class OrderPlaced extends Event {
  constructor(readonly sku: string) {
    super();
  }
}
class Conflict extends Error {}

const tag =
  (name: string, log: string[]): BusMiddleware =>
  async (message, next, info) => {
    log.push(`${name}>${info.name}/${info.handler}`);
    const result = await next(message);
    log.push(`<${name}`);
    return result;
  };

describe('middleware', () => {
  it('runs in the order added, outermost first, around the handler (also when added after it)', async () => {
    const { commandBus } = createBuses();
    const log: string[] = [];
    commandBus.use(tag('a', log));
    commandBus.register(PlaceOrder, function place(cmd) {
      log.push('handler');
      return cmd.sku;
    });
    commandBus.use(tag('b', log));
    expect(await commandBus.execute(new PlaceOrder('ab'))).toBe('ab');
    expect(log).toEqual(['a>PlaceOrder/place', 'b>PlaceOrder/place', 'handler', '<b', '<a']);
  });

  it('validates against the schema declared on the message class', async () => {
    const { commandBus } = createBuses();
    commandBus.use(validation()).register(PlaceOrder, (cmd) => cmd.sku);
    await expect(commandBus.execute(new PlaceOrder('x'))).rejects.toMatchObject({
      code: 'ODY_CQRS_VALIDATION',
      details: { message: 'PlaceOrder', issues: [{ path: 'sku' }] },
    });
    expect(await commandBus.execute(new PlaceOrder('xy'))).toBe('xy');
  });

  it('retries only the declared error type, up to the attempts', async () => {
    const { commandBus } = createBuses();
    let calls = 0;
    commandBus.use(retry({ on: Conflict, attempts: 3 })).register(PlaceOrder, () => {
      calls++;
      if (calls < 3) throw new Conflict('busy');
      return 'done';
    });
    expect(await commandBus.execute(new PlaceOrder('ab'))).toBe('done');
    expect(calls).toBe(3);
    calls = -10;
    await expect(commandBus.execute(new PlaceOrder('ab'))).rejects.toThrow('busy');
    expect(calls).toBe(-7);
    const other = createBuses().commandBus;
    let n = 0;
    other.use(retry({ on: (e) => e instanceof Conflict })).register(PlaceOrder, () => {
      n++;
      throw new TypeError('not retried');
    });
    await expect(other.execute(new PlaceOrder('ab'))).rejects.toThrow(TypeError);
    expect(n).toBe(1);
  });

  it('waits between tries with the core Backoff shape', async () => {
    const { commandBus } = createBuses();
    const at: number[] = [];
    commandBus.use(retry({ on: Conflict, attempts: 3, backoff: { type: 'exponential', delayMs: 5 } })).register(PlaceOrder, () => {
      at.push(performance.now());
      if (at.length < 3) throw new Conflict('busy');
      return 'done';
    });
    expect(await commandBus.execute(new PlaceOrder('ab'))).toBe('done');
    // Lower bounds only (a timer never fires early): 5 ms, then 10 ms.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(4);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(9);
  });

  it('wraps commands in the transaction hook, not queries by default', async () => {
    const { commandBus, queryBus } = createBuses();
    const log: string[] = [];
    const tx = transaction(async (work, _m, info) => {
      log.push(`begin ${info.name}`);
      try {
        const r = await work();
        log.push('commit');
        return r;
      } catch (e) {
        log.push('rollback');
        throw e;
      }
    });
    commandBus.use(tx).register(PlaceOrder, (c) => {
      if (c.sku === 'bad') throw new Error('x');
      return c.sku;
    });
    queryBus.use(tx).register('Q', () => 1);
    await commandBus.execute(new PlaceOrder('ok'));
    await commandBus.execute(new PlaceOrder('bad')).catch(() => undefined);
    await queryBus.execute({ type: 'Q' });
    expect(log).toEqual(['begin PlaceOrder', 'commit', 'begin PlaceOrder', 'rollback']);
  });

  it('logs each message with its handler and timing, failures at error', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(String(chunk)));
        cb();
      },
    });
    const logger = createLogger({ level: 'debug', destination, pretty: false });
    const { commandBus } = createBuses();
    commandBus.use(logging(logger)).register(PlaceOrder, function place(c) {
      if (c.sku === 'bad') throw new Error('boom');
      return c.sku;
    });
    await commandBus.execute(new PlaceOrder('ok'));
    await commandBus.execute(new PlaceOrder('bad')).catch(() => undefined);
    expect(lines[0]).toMatchObject({ kind: 'command', message: 'PlaceOrder', handler: 'place', msg: 'command handled' });
    expect(typeof lines[0]!.ms).toBe('number');
    expect(lines[1]).toMatchObject({ level: 50, message: 'PlaceOrder', msg: 'command failed', err: { message: 'boom' } });
  });

  it('carries the correlation id, and a command id as the causation of its events', async () => {
    const { commandBus, eventBus } = createBuses();
    commandBus.use(correlation());
    eventBus.use(correlation());
    const events: OrderPlaced[] = [];
    const seenInHandler: Array<string | undefined> = [];
    eventBus.register(OrderPlaced, (e) => {
      events.push(e);
      seenInHandler.push(currentContext()?.correlationId);
    });
    commandBus.register(PlaceOrder, async (cmd) => {
      await eventBus.publish(new OrderPlaced(cmd.sku));
      return cmd.sku;
    });
    const cmd = new PlaceOrder('ab');
    await runInContext({ correlationId: 'req-1' }, () => commandBus.execute(cmd));
    const cmdMeta = messageMeta(cmd)!;
    const evMeta = messageMeta(events[0]!)!;
    expect(cmdMeta.correlationId).toBe('req-1');
    expect(evMeta.correlationId).toBe('req-1');
    expect(evMeta.causationId).toBe(cmdMeta.id);
    expect(evMeta.id).not.toBe(cmdMeta.id);
    expect(seenInHandler).toEqual(['req-1']);
  });
});
