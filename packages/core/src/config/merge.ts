/** A plain object (not an array, class instance, Date…), the only kind of value merged key by key. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function mergeTwo(base: unknown, layer: unknown): unknown {
  if (layer === undefined) return base;
  if (!isPlainObject(layer)) return layer;
  const merged: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(layer)) {
    if (value !== undefined) merged[key] = mergeTwo(merged[key], value);
  }
  return merged;
}

/**
 * Merge layers left to right (later wins). Plain objects merge key by key, everything else (arrays,
 * functions, class instances) is replaced whole; `undefined` never overwrites a value. Inputs are not
 * mutated.
 */
export function mergeLayers(...layers: unknown[]): unknown {
  let out: unknown;
  for (const layer of layers) out = mergeTwo(out, layer);
  return out;
}
