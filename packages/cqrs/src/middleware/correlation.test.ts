import { currentContext, runInContext } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBuses } from '../buses/create.js';
import { Command } from '../messages/message.js';
import { correlation, messageMeta, stampMessage } from './correlation.js';
import type { BusMiddleware } from './types.js';
import { validation } from './validation.js';

class Ship extends Command<string> {
  constructor(readonly to: string) {
    super();
  }
}

describe('message ids (stampMessage / messageMeta)', () => {
  it('a new command per call gets its own id, and the ids are invisible to spread, JSON, keys and deep equality', async () => {
    const buses = createBuses();
    buses.commandBus.use(correlation());
    const seen: string[] = [];
    buses.commandBus.register(Ship, (cmd) => {
      seen.push(messageMeta(cmd)!.id);
      return cmd.to;
    });
    const a = new Ship('x');
    const b = new Ship('x');
    await buses.commandBus.execute(a);
    await buses.commandBus.execute(b);
    expect(seen[0]).not.toBe(seen[1]);
    expect(messageMeta(a)?.id).toBe(seen[0]);
    expect(messageMeta(a)?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).toEqual(new Ship('x'));
    expect(JSON.stringify(a)).toBe('{"to":"x"}');
    expect(Reflect.ownKeys(a)).toEqual(['to']);
    const copy = { ...a };
    expect(messageMeta(copy)).toBeUndefined();
  });

  it('stamps frozen and plain-object messages too, once', () => {
    const frozen = Object.freeze(new Ship('y'));
    const first = stampMessage(frozen);
    expect(stampMessage(frozen)).toBe(first);
    expect(messageMeta(frozen)).toBe(first);
    const plain = { type: 'Ship', to: 'z' };
    const meta = stampMessage(plain, { id: 'given', correlationId: 'corr' });
    expect(meta).toEqual({ id: 'given', correlationId: 'corr', causationId: undefined });
    expect(messageMeta(plain)).toBe(meta);
    expect(Object.keys(plain)).toEqual(['type', 'to']);
  });
});

class Shipped {
  constructor(readonly to: string) {}
}

class Checked extends Command<string> {
  static schema = z.object({ to: z.string().min(2) });
  constructor(readonly to: string) {
    super();
  }
}

describe('correlation on a composed route', () => {
  it('outside any context: the command starts the conversation, and what its handler publishes after an await carries it', async () => {
    const { commandBus, eventBus } = createBuses();
    commandBus.use(correlation(), validation());
    eventBus.use(correlation());
    const events: Shipped[] = [];
    eventBus.register(Shipped, (e) => void events.push(e));
    const seen: Array<string | undefined> = [];
    commandBus.register(Ship, async (cmd) => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push(currentContext()?.causationId);
      await eventBus.publish(new Shipped(cmd.to));
      return cmd.to;
    });
    const cmd = new Ship('x');
    expect(currentContext()).toBeUndefined();
    await commandBus.execute(cmd);
    const meta = messageMeta(cmd)!;
    expect(meta.correlationId).toBe(meta.id);
    expect(meta.causationId).toBeUndefined();
    expect(seen).toEqual([meta.id]);
    expect(messageMeta(events[0]!)).toMatchObject({ correlationId: meta.id, causationId: meta.id });
    expect(currentContext()).toBeUndefined();
  });

  it('keeps the other fields of the current context and restores it afterwards', async () => {
    const { commandBus } = createBuses();
    commandBus.use(correlation());
    let inner: Record<string, unknown> | undefined;
    commandBus.register(Ship, async () => {
      await Promise.resolve();
      inner = { ...currentContext() };
      return 'ok';
    });
    const cmd = new Ship('x');
    await runInContext({ correlationId: 'req-1', requestId: 'r-7' }, async () => {
      await commandBus.execute(cmd);
      expect(currentContext()).toEqual({ correlationId: 'req-1', requestId: 'r-7' });
    });
    expect(inner).toEqual({ correlationId: 'req-1', requestId: 'r-7', causationId: messageMeta(cmd)!.id });
  });

  it('enters no second context when the current one is already the message\'s (an async worker enters it first)', async () => {
    const { commandBus } = createBuses();
    commandBus.use(correlation());
    let inner: unknown;
    commandBus.register(Ship, () => {
      inner = currentContext();
      return 'ok';
    });
    const cmd = new Ship('x');
    stampMessage(cmd, { id: 'cmd-1', correlationId: 'corr-1' });
    await runInContext({ correlationId: 'corr-1', causationId: 'cmd-1' }, async () => {
      const outer = currentContext();
      await commandBus.execute(cmd);
      expect(inner).toBe(outer);
    });
    // A different causation in the current context: the handler gets its own.
    await runInContext({ correlationId: 'corr-1', causationId: 'other' }, () => commandBus.execute(cmd));
    expect(inner).toEqual({ correlationId: 'corr-1', causationId: 'cmd-1' });
  });

  it('validation still rejects an invalid message with a schema, and later middleware runs in order around schema-less routes', async () => {
    const { commandBus } = createBuses();
    const trail: string[] = [];
    const mark =
      (name: string): BusMiddleware =>
      async (m, next) => {
        trail.push(name);
        return next(m);
      };
    commandBus.use(mark('a'), correlation(), validation(), mark('b'));
    commandBus.register(Ship, (cmd) => cmd.to);
    commandBus.register(Checked, (cmd) => cmd.to);
    await expect(commandBus.execute(new Ship('x'))).resolves.toBe('x');
    expect(trail).toEqual(['a', 'b']);
    await expect(commandBus.execute(new Checked('x'))).rejects.toMatchObject({ code: 'ODY_CQRS_VALIDATION' });
    await expect(commandBus.execute(new Checked('xy'))).resolves.toBe('xy');
    expect(trail).toEqual(['a', 'b', 'a', 'a', 'b']);
  });

  it('a handler that throws synchronously rejects the execute promise', async () => {
    const { commandBus } = createBuses();
    commandBus.use(correlation(), validation());
    commandBus.register(Ship, () => {
      throw new Error('boom');
    });
    await expect(commandBus.execute(new Ship('x'))).rejects.toThrow('boom');
  });
});
