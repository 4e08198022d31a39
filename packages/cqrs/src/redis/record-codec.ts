import type { CommandRecord } from '../async/types.js';

/** The immutable fields of a record, as stored in the hash field `m`. */
export function encodeMeta(r: CommandRecord): string {
  const { state: _s, attempts: _a, updatedAt: _u, result: _r, error: _e, ...meta } = r;
  return JSON.stringify(meta);
}

/** A record from a hash's fields (HGETALL as an object, or as a flat [field, value, …] array); undefined when empty. */
export function decodeRecord(fields: Record<string, string> | string[]): CommandRecord | undefined {
  let h: Record<string, string>;
  if (Array.isArray(fields)) {
    h = {};
    for (let i = 0; i + 1 < fields.length; i += 2) h[fields[i]!] = fields[i + 1]!;
  } else h = fields;
  if (h.m === undefined || h.s === undefined) return undefined;
  const record = {
    ...(JSON.parse(h.m) as Omit<CommandRecord, 'state' | 'attempts' | 'updatedAt'>),
    state: h.s as CommandRecord['state'],
    attempts: Number(h.a ?? 0),
    updatedAt: Number(h.u ?? 0),
  } as CommandRecord & { result?: unknown; error?: unknown };
  if (h.r !== undefined) record.result = JSON.parse(h.r);
  if (h.e !== undefined) record.error = JSON.parse(h.e);
  return record;
}
