import { describe, expect, it } from 'vitest';
import { OdyError } from '../errors.js';
import { type AnyPlugin, definePlugin } from './define.js';
import { orderPlugins } from './order.js';

const p = (name: string, dependsOn: string[] = [], optionalDependsOn: string[] = []) =>
  definePlugin({ name, dependsOn, optionalDependsOn });

function catchError(fn: () => unknown): OdyError {
  try {
    fn();
  } catch (err) {
    if (OdyError.is(err)) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('orderPlugins', () => {
  it('puts dependencies first and keeps the given order otherwise', () => {
    const order = orderPlugins([p('cqrs', ['queue']), p('http'), p('queue')]).map((x) => x.name);
    expect(order).toEqual(['queue', 'cqrs', 'http']);
  });

  it('orders against optional dependencies only when present', () => {
    expect(orderPlugins([p('a', [], ['b']), p('b')]).map((x) => x.name)).toEqual(['b', 'a']);
    expect(orderPlugins([p('a', [], ['missing'])]).map((x) => x.name)).toEqual(['a']);
  });

  it('names both plugins for a missing dependency', () => {
    const err = catchError(() => orderPlugins([p('cqrs', ['queue'])]));
    expect(err.code).toBe('ODY_PLUGIN_MISSING_DEPENDENCY');
    expect(err.message).toContain("'cqrs'");
    expect(err.message).toContain("'queue'");
  });

  it('prints the cycle', () => {
    const err = catchError(() => orderPlugins([p('a', ['b']), p('b', ['c']), p('c', ['a'])]));
    expect(err.code).toBe('ODY_PLUGIN_CYCLE');
    expect(err.message).toContain('a -> b -> c -> a');
    expect(err.details.cycle).toEqual(['a', 'b', 'c', 'a']);
  });

  it('rejects duplicate names with both positions', () => {
    const err = catchError(() => orderPlugins([p('http'), p('queue'), p('http')]));
    expect(err.code).toBe('ODY_PLUGIN_DUPLICATE');
    expect(err.message).toContain("'http'");
    expect(err.details.indexes).toEqual([0, 2]);
  });

  it('rejects values not made by definePlugin and malformed hooks', () => {
    const fake = { name: 'x' } as unknown as AnyPlugin;
    expect(catchError(() => orderPlugins([fake])).code).toBe('ODY_PLUGIN_INVALID');
    const badHook = definePlugin({ name: 'y', boot: 'nope' as unknown as () => void });
    expect(catchError(() => orderPlugins([badHook])).message).toContain("'y' has a boot");
    expect(catchError(() => orderPlugins([definePlugin({ name: ' ' })])).code).toBe('ODY_PLUGIN_INVALID');
  });
});
