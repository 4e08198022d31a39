import { OdyError } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { Cookies } from './cookies.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('Cookies without http.cookieSecret', () => {
  it('signed get and set throw ODY_HTTP_COOKIE_SECRET_MISSING; unsigned cookies still work', () => {
    const set: string[] = [];
    const cookies = new Cookies('a=1', undefined, (v) => set.push(v));
    expect(cookies.get('a')).toBe('1');
    cookies.set('b', '2');
    expect(set).toEqual(['b=2; Path=/; HttpOnly']);
    for (const err of [thrown(() => cookies.set('c', '3', { signed: true })), thrown(() => cookies.get('a', { signed: true }))]) {
      expect(OdyError.is(err, 'ODY_HTTP_COOKIE_SECRET_MISSING')).toBe(true);
      expect((err as Error).message).toContain('http.cookieSecret');
    }
  });
});
