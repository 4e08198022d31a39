import { describe, expect, it } from 'vitest';
import { createProcessManager } from '../index.js';
import { Emitter } from './emitter.js';

describe('ProcessManager events', () => {
  it('a throwing listener is logged with the event name; later listeners still run and emit never throws', () => {
    const logged: unknown[] = [];
    const logger = { error: (fields: unknown) => logged.push(fields) } as never;
    const events = new Emitter<{ ready: number }>(() => logger);
    const seen: number[] = [];
    events.on('ready', () => {
      throw new Error('listener bug');
    });
    const off = events.on('ready', (n) => seen.push(n));
    expect(() => events.emit('ready', 1)).not.toThrow();
    off();
    events.emit('ready', 2);
    expect(seen).toEqual([1]);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ event: 'ready' });
  });

  it('on() returns an unsubscribe function', () => {
    const pm = createProcessManager();
    const off = pm.on('ready', () => {});
    expect(off).toBeTypeOf('function');
    off();
  });
});
