import { describe, expect, it } from 'vitest';
import { createEmitter, Emitter, type EmitterLogger } from './emitter.js';

type Events = {
  close: (code: number, reason: string) => void;
  error: (err: Error) => void;
  tick: () => void;
};

function recordingLogger() {
  const lines: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  const logger: EmitterLogger = { error: (obj, msg) => lines.push({ obj, msg }) };
  return { logger, lines };
}

describe('Emitter', () => {
  it('on() delivers typed arguments and returns an unsubscribe function', () => {
    const events = createEmitter<Events>();
    const seen: Array<[number, string]> = [];
    const off = events.on('close', (code, reason) => seen.push([code, reason]));
    expect(events.emit('close', 1000, 'bye')).toBe(true);
    off();
    off(); // idempotent
    expect(events.emit('close', 1001, 'again')).toBe(false);
    expect(seen).toEqual([[1000, 'bye']]);
    expect(events.listenerCount('close')).toBe(0);
  });

  it('once() fires one time; its unsubscribe works before it fires', () => {
    const events = createEmitter<Events>();
    let ticks = 0;
    events.once('tick', () => ticks++);
    const cancel = events.once('tick', () => ticks += 100);
    cancel();
    events.emit('tick');
    events.emit('tick');
    expect(ticks).toBe(1);
  });

  it('off() removes a listener; removal during emit does not skip the others', () => {
    const events = createEmitter<Events>();
    const order: string[] = [];
    const b = () => order.push('b');
    events.on('tick', () => {
      order.push('a');
      events.off('tick', b);
    });
    events.on('tick', b);
    events.on('tick', () => order.push('c'));
    events.emit('tick');
    events.emit('tick');
    expect(order).toEqual(['a', 'b', 'c', 'a', 'c']);
  });

  it('a throwing listener is logged with the event name, the others still run, and emit does not throw', () => {
    const { logger, lines } = recordingLogger();
    const events = createEmitter<Events>({ logger, source: 'ws client' });
    const boom = new Error('listener bug');
    const after: number[] = [];
    events.on('close', () => {
      throw boom;
    });
    events.on('close', (code) => after.push(code));
    expect(() => events.emit('close', 1006, 'gone')).not.toThrow();
    expect(after).toEqual([1006]);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.obj).toMatchObject({ event: 'close', err: boom, source: 'ws client' });
  });

  it("a throwing 'error' listener is logged once and never re-enters 'error' (no recursion)", () => {
    const { logger, lines } = recordingLogger();
    const events = createEmitter<Events>({ logger });
    let calls = 0;
    events.on('error', () => {
      calls++;
      throw new Error('error handler bug');
    });
    expect(() => events.emit('error', new Error('job failed'))).not.toThrow();
    expect(calls).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.obj.event).toBe('error');
    expect((lines[0]!.obj.err as Error).message).toBe('error handler bug');
  });

  it("a rejecting async listener is logged, not re-emitted", async () => {
    const { logger, lines } = recordingLogger();
    const events = createEmitter<Events>({ logger });
    let errors = 0;
    events.on('error', () => errors++);
    events.on('tick', async () => {
      throw new Error('async bug');
    });
    events.emit('tick');
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toBe(0);
    expect(lines.map((l) => [l.obj.event, (l.obj.err as Error).message])).toEqual([['tick', 'async bug']]);
  });

  it("'error' with no listener is logged instead of thrown", () => {
    const { logger, lines } = recordingLogger();
    const events = createEmitter<Events>({ logger });
    const err = new Error('nobody listens');
    expect(events.emit('error', err)).toBe(false);
    expect(lines[0]!.obj).toMatchObject({ event: 'error', err });
  });

  it('a logger that throws does not make emit throw; console.error is the fallback logger', () => {
    const events = createEmitter<Events>({
      logger: {
        error() {
          throw new Error('logger down');
        },
      },
    });
    events.on('tick', () => {
      throw new Error('x');
    });
    expect(() => events.emit('tick')).not.toThrow();

    const original = console.error;
    const printed: unknown[][] = [];
    console.error = (...args: unknown[]) => printed.push(args);
    try {
      const plain = new Emitter<Events>();
      plain.on('tick', () => {
        throw new Error('to console');
      });
      plain.emit('tick');
    } finally {
      console.error = original;
    }
    expect(printed).toHaveLength(1);
    expect(printed[0]![1]).toMatchObject({ event: 'tick' });
  });

  it('classes extend it, and setEmitterLogger swaps the logger later', () => {
    class Worker extends Emitter<Events> {
      fail(err: Error) {
        this.emit('error', err);
      }
    }
    const worker = new Worker();
    const { logger, lines } = recordingLogger();
    worker.setEmitterLogger(logger);
    worker.fail(new Error('unheard'));
    expect(lines).toHaveLength(1);
    worker.removeAllListeners();
    expect(() => worker.on('tick', 5 as never)).toThrow(TypeError);
  });
});
