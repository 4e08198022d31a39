import { describe, expect, it } from 'vitest';
import { createBuses } from '../buses/create.js';
import { Command } from '../messages/message.js';
import { correlation, messageMeta, stampMessage } from './correlation.js';

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
