import { describe, expectTypeOf, it } from 'vitest';
import { defineErrors } from './define-errors.js';

const errors = defineErrors('shop', { ODY_SHOP_CLOSED: { message: 'closed' } });
class ShopError extends errors.Error {}

describe('defineErrors types', () => {
  it('types codes as the table keys', () => {
    expectTypeOf(new ShopError('ODY_SHOP_CLOSED').code).toEqualTypeOf<'ODY_SHOP_CLOSED'>();
    expectTypeOf<keyof typeof errors.errorCodes>().toEqualTypeOf<'ODY_SHOP_CLOSED'>();
    // @ts-expect-error a code that is not in the table
    new ShopError('ODY_SHOP_OPEN');
  });
});
