import { OdyError } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { Command } from './message.js';
import { MessageRegistry } from './registry.js';

class Rename extends Command {
  declare readonly to: string;
}

const hostile = [
  ['__proto__', '{"__proto__":{"polluted":true,"execute":"x"},"to":"a"}'],
  ['constructor', '{"constructor":"Rename","to":"a"}'],
  ['prototype', '{"prototype":{},"to":"a"}'],
] as const;

describe('MessageRegistry.build with a schema-less class', () => {
  it('builds an instance of the class with the payload fields', () => {
    const registry = new MessageRegistry();
    registry.register('command', Rename);
    const built = registry.build('Rename', JSON.parse('{"to":"b"}')) as Rename;
    expect(built).toBeInstanceOf(Rename);
    expect(Object.getPrototypeOf(built)).toBe(Rename.prototype);
    expect(built.to).toBe('b');
  });

  for (const [key, json] of hostile) {
    it(`refuses a payload with an own '${key}' key as ODY_CQRS_VALIDATION, never changing a prototype`, () => {
      const registry = new MessageRegistry();
      registry.register('command', Rename);
      let thrown: unknown;
      let built: unknown;
      try {
        built = registry.build('Rename', JSON.parse(json));
      } catch (err) {
        thrown = err;
      }
      expect(built === undefined ? undefined : Object.getPrototypeOf(built)).toBeUndefined();
      expect(OdyError.is(thrown, 'ODY_CQRS_VALIDATION')).toBe(true);
      expect((thrown as OdyError).message).toContain(key);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });
  }

  it('a plain-object (name-only) message refuses the same keys', () => {
    const registry = new MessageRegistry();
    registry.register('command', 'Plain');
    expect(() => registry.build('Plain', JSON.parse('{"__proto__":{"x":1}}'))).toThrow(/__proto__/);
  });
});
