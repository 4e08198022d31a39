import { describe, expect, it } from 'vitest';
import { CoreError, errorCodes, OdyError } from './errors.js';

describe('OdyError', () => {
  it('carries code, details and cause, and is recognised by brand', () => {
    const cause = new Error('disk full');
    const err = new CoreError('ODY_TIMEOUT', 'took too long', { cause, details: { ms: 5 } });
    expect(err.code).toBe('ODY_TIMEOUT');
    expect(err.details).toEqual({ ms: 5 });
    expect(err.cause).toBe(cause);
    expect(err.name).toBe('CoreError');
    expect(OdyError.is(err)).toBe(true);
    expect(OdyError.is(err, 'ODY_TIMEOUT')).toBe(true);
    expect(OdyError.is(err, 'ODY_OTHER')).toBe(false);
    expect(OdyError.is(new Error('x'))).toBe(false);
    expect(OdyError.is(null)).toBe(false);
  });

  it('is recognised across copies of the package (brand is Symbol.for)', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'ODY_X' });
    Object.defineProperty(foreign, Symbol.for('ody.error'), { value: true });
    expect(OdyError.is(foreign, 'ODY_X')).toBe(true);
  });

  it('serialises to JSON with its code', () => {
    const json = JSON.parse(JSON.stringify(new OdyError('ODY_SOMETHING', 'msg', { details: { a: 1 } })));
    expect(json).toEqual({ name: 'OdyError', code: 'ODY_SOMETHING', message: 'msg', details: { a: 1 } });
  });

  it('every core code follows the ODY_ naming rule', () => {
    for (const code of Object.keys(errorCodes)) expect(code).toMatch(/^ODY_[A-Z0-9_]+$/);
  });
});
