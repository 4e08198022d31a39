import { describe, expectTypeOf, it } from 'vitest';
import { createEmitter } from './emitter.js';

describe('Emitter types', () => {
  it('types listener arguments, emit arguments and the unsubscribe function', () => {
    const events = createEmitter<{ close: (code: number) => void }>();
    const off = events.on('close', (code) => expectTypeOf(code).toEqualTypeOf<number>());
    expectTypeOf(off).toEqualTypeOf<() => void>();
    // @ts-expect-error wrong argument type
    events.emit('close', 'x');
    // @ts-expect-error unknown event
    events.on('open', () => {});
  });
});
