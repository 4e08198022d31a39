/**
 * uWS converts every string argument of writeHeader through a temporary UTF-8 copy (about 60 ns
 * per string here); bytes are used in place. Constant header names and values, and the header
 * names a server keeps writing, are therefore encoded once. The node engine and inject() take
 * strings, so they get the same table with strings.
 */
const encoder = new TextEncoder();

/** The UTF-8 bytes of `s` in an ArrayBuffer of their own (the cheapest argument for uWS). */
function encode(s: string): ArrayBuffer {
  const u = encoder.encode(s);
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

/** A header name or value as uWS takes it. */
export type WireValue = string | ArrayBuffer;

/** Header names and values the responder writes, pre-encoded for the engine in use. */
export interface Wire {
  contentType: WireValue;
  text: WireValue;
  json: WireValue;
  bytes: WireValue;
  problem: WireValue;
  /** A response header name (bytes cached for the first MAX_NAMES names on the native engine). */
  name(name: string): WireValue;
  /** A response header value (short values cached like names: most repeat, e.g. `x-powered-by`). */
  value(value: string): WireValue;
}

const constants = {
  contentType: 'content-type',
  text: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
  bytes: 'application/octet-stream',
  problem: 'application/problem+json',
};

// Bounded: names and values come from application code, but may derive from request data (ids).
// Once full, a cache only answers what it holds; other strings pass through (one Map miss each).
const MAX_NAMES = 256;
const MAX_VALUES = 512;
const MAX_VALUE_LENGTH = 64;
const names = new Map<string, ArrayBuffer>();
const values = new Map<string, ArrayBuffer>();

function cached(cache: Map<string, ArrayBuffer>, max: number, s: string): WireValue {
  let b = cache.get(s);
  if (b === undefined) {
    if (cache.size >= max) return s;
    b = encode(s);
    cache.set(s, b);
  }
  return b;
}

/** Encoded table for the native uWS binary. */
export const nativeWire: Wire = {
  contentType: encode(constants.contentType),
  text: encode(constants.text),
  json: encode(constants.json),
  bytes: encode(constants.bytes),
  problem: encode(constants.problem),
  name: (name) => cached(names, MAX_NAMES, name),
  value: (value) => (value.length > MAX_VALUE_LENGTH ? value : cached(values, MAX_VALUES, value)),
};

/** String table for the node engine and inject() (their writeHeader takes strings). */
export const stringWire: Wire = { ...constants, name: (name) => name, value: (value) => value };
