import { z } from 'zod';

type Kind = 'number' | 'boolean' | 'string' | 'json' | 'object';

/** Strip wrappers (optional, default, nullable, pipes) to find what a leaf schema really expects. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (let i = 0; i < 10; i++) {
    const def = current._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined) current = def.in;
    else break;
  }
  return current;
}

/** What kind of value a schema expects, to know how to read it from an env string. */
export function kindOf(schema: z.ZodType): Kind {
  const type = (unwrap(schema)._zod.def as { type: string }).type;
  if (type === 'number' || type === 'int' || type === 'bigint') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'object') return 'object';
  if (type === 'array' || type === 'record' || type === 'tuple') return 'json';
  // A union (e.g. backoffSchema: a number or an object) takes JSON when the string parses, else the string.
  if (type === 'union') return 'json';
  return 'string';
}

/** The object shape behind a schema, if it is an object. */
export function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : undefined;
}

/** Convert an env string to what the schema expects; leave it as a string if it does not parse. */
export function coerce(raw: string, kind: Kind): unknown {
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      return raw;
    }
    case 'json':
    case 'object':
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

/** True when an object schema accepts keys it does not declare (`z.looseObject`, `.catchall()`). */
export function isLoose(schema: z.ZodType): boolean {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return false;
  const catchall = (inner._zod.def as { catchall?: z.ZodType }).catchall;
  return catchall !== undefined && (catchall._zod.def as { type: string }).type !== 'never';
}
