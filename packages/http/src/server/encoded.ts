/**
 * uWS converts every string argument of writeHeader through a temporary UTF-8 copy (about 60 ns
 * per string here); bytes are used in place. Constant header names and values, and the header
 * names a server keeps writing, are therefore encoded once. The JS fallback shim only takes
 * strings, so it gets the same table with strings.
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
}

const constants = {
  contentType: 'content-type',
  text: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
  bytes: 'application/octet-stream',
  problem: 'application/problem+json',
};

// Bounded: names come from application code, but a handler could derive them from request data.
const MAX_NAMES = 256;
const names = new Map<string, ArrayBuffer>();

/** Encoded table for the native uWS binary. */
export const nativeWire: Wire = {
  contentType: encode(constants.contentType),
  text: encode(constants.text),
  json: encode(constants.json),
  bytes: encode(constants.bytes),
  problem: encode(constants.problem),
  name(name) {
    let b = names.get(name);
    if (b === undefined) {
      if (names.size >= MAX_NAMES) return name;
      b = encode(name);
      names.set(name, b);
    }
    return b;
  },
};

/** String table for the JS fallback shim (its writeHeader only takes strings). */
export const shimWire: Wire = { ...constants, name: (name) => name };
