import { CliError } from '../errors.js';

/** The spellings of one generator name. */
export interface Names {
  /** OrderItem */
  pascal: string;
  /** orderItem */
  camel: string;
  /** order-item */
  kebab: string;
}

/**
 * Split `order-item`, `order_item`, `OrderItem` or `orderItem` into its spellings.
 * @example
 * names('place-order') // { pascal: 'PlaceOrder', camel: 'placeOrder', kebab: 'place-order' }
 */
export function names(input: string): Names {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(input)) {
    throw new CliError('ODY_CLI_NAME_INVALID', `'${input}' is not a usable name: use letters, digits, '-' or '_', starting with a letter (e.g. place-order).`, {
      details: { input },
    });
  }
  const words = input
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return { pascal, camel: pascal[0]!.toLowerCase() + pascal.slice(1), kebab: words.join('-') };
}
