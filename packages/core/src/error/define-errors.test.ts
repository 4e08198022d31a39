import { describe, expect, it } from 'vitest';
import { defineErrors, errorDocRows } from './define-errors.js';
import { OdyError } from './ody-error.js';

const errors = defineErrors('shop', {
  ODY_SHOP_SOLD_OUT: { status: 409, message: 'The item is sold out.' },
  ODY_SHOP_CLOSED: { message: 'The shop was used after close().' },
});
class ShopError extends errors.Error {}
class SoldOutError extends ShopError {
  constructor(sku: string) {
    super('ODY_SHOP_SOLD_OUT', `Item ${sku} is sold out.`, { details: { sku } });
  }
}

describe('defineErrors', () => {
  it('builds a package base: (code, message?, { cause, details }), branded OdyError, named after the subclass', () => {
    const cause = new Error('db down');
    const err = new ShopError('ODY_SHOP_CLOSED', 'Shop closed at 18:00.', { cause, details: { at: '18:00' } });
    expect(err).toBeInstanceOf(OdyError);
    expect(err).toBeInstanceOf(errors.Error);
    expect(err.name).toBe('ShopError');
    expect(err.code).toBe('ODY_SHOP_CLOSED');
    expect(err.message).toBe('Shop closed at 18:00.');
    expect(err.cause).toBe(cause);
    expect(err.details).toEqual({ at: '18:00' });
    expect(OdyError.is(err, 'ODY_SHOP_CLOSED')).toBe(true);
    expect(ShopError.is(err, 'ODY_SHOP_SOLD_OUT')).toBe(false);
  });

  it('falls back to the table message, and subclasses keep their own name and details', () => {
    expect(new ShopError('ODY_SHOP_CLOSED').message).toBe('The shop was used after close().');
    const sold = new SoldOutError('A1');
    expect(sold.name).toBe('SoldOutError');
    expect(sold).toBeInstanceOf(ShopError);
    expect(sold.details).toEqual({ sku: 'A1' });
  });

  it('names the unextended base after the package', () => {
    expect(errors.Error.name).toBe('ShopError');
    expect(defineErrors('queue-redis', {}).Error.name).toBe('QueueRedisError');
  });

  it('exposes errorCodes (code → meaning), statuses and doc rows', () => {
    expect(errors.errorCodes).toEqual({
      ODY_SHOP_SOLD_OUT: 'The item is sold out.',
      ODY_SHOP_CLOSED: 'The shop was used after close().',
    });
    expect(Object.isFrozen(errors.errorCodes)).toBe(true);
    expect(errors.statusOf('ODY_SHOP_SOLD_OUT')).toBe(409);
    expect(errors.statusOf('ODY_SHOP_CLOSED')).toBeUndefined();
    expect(errorDocRows(errors.errorCodes)).toEqual([
      { package: 'shop', code: 'ODY_SHOP_SOLD_OUT', status: 409, message: 'The item is sold out.' },
      { package: 'shop', code: 'ODY_SHOP_CLOSED', status: undefined, message: 'The shop was used after close().' },
    ]);
    expect(errorDocRows({ ODY_X: 'hand-written' })).toBeUndefined();
  });

  it('rejects badly named codes and rows without a message', () => {
    expect(() => defineErrors('shop', { SOLD_OUT: { message: 'x' } })).toThrow(/ODY_<PKG>_<WHAT>/);
    expect(() => defineErrors('shop', { ODY_SHOP_X: { message: '' } })).toThrow(/needs a message/);
  });
});
