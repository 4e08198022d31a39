import { describe, expect, it } from 'vitest';
import { names } from './names.js';

describe('names', () => {
  it('spells kebab, snake, Pascal and camel input every way', () => {
    for (const input of ['place-order', 'place_order', 'PlaceOrder', 'placeOrder']) {
      expect(names(input)).toEqual({ pascal: 'PlaceOrder', camel: 'placeOrder', kebab: 'place-order' });
    }
  });

  it('keeps digits', () => {
    expect(names('v2-api')).toEqual({ pascal: 'V2Api', camel: 'v2Api', kebab: 'v2-api' });
  });

  it('refuses what cannot be an identifier', () => {
    for (const input of ['9lives', '', 'a b', '../x', 'ä']) expect(() => names(input)).toThrow(expect.objectContaining({ code: 'ODY_CLI_NAME_INVALID' }));
  });
});
