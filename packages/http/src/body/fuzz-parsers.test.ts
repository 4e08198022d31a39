// Property-based fuzz (fast-check) of the request parsers: query string, urlencoded form, cookies
// (parse and serialise) and multipart. Seed and run count: test-support/fuzz.ts.
import { Readable } from 'node:stream';
import { OdyError } from '@ody/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fuzzParams } from '../../../../test-support/fuzz.js';
import { Cookies, HttpContext, HttpError, parseForm, parseMultipart, serializeCookie } from '../index.js';

// Keys that pollute a plain object or shadow its members when a parser assigns them carelessly.
const dangerousKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'polluted');
const key = fc.oneof(dangerousKey, fc.string({ maxLength: 8, unit: 'grapheme' }));
const value = fc.string({ maxLength: 12, unit: 'grapheme' });
const pairs = fc.array(fc.tuple(key, value), { maxLength: 8 });

// Whatever the parsers did, Object.prototype must be exactly as it was.
let protoBefore: string[];
beforeEach(() => {
  protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
});
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** What the parsers should return for these pairs: repeated keys collect into arrays, in order. */
function expectedOf(list: Array<[string, string]>): Map<string, string | string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of list) m.set(k, [...(m.get(k) ?? []), v]);
  return new Map([...m].map(([k, vs]) => [k, vs.length === 1 ? vs[0]! : vs]));
}

function expectPlainData(out: Record<string, string | string[]>, list: Array<[string, string]>): void {
  expect(Object.getPrototypeOf(out)).toBeNull();
  const expected = expectedOf(list);
  expect(Object.keys(out).sort()).toEqual([...expected.keys()].sort());
  for (const [k, v] of expected) {
    expect(Object.getOwnPropertyDescriptor(out, k)?.value).toEqual(v);
  }
}

const queryOf = (qs: string) => new HttpContext('GET', '/', qs, {}, {}).query;

describe('query and form parser fuzz', () => {
  it('round-trips any keys (built-in names included) as own data of a null-prototype object', () => {
    fc.assert(
      fc.property(pairs, (list) => {
        const text = new URLSearchParams(list).toString();
        expectPlainData(queryOf(text), list);
        expectPlainData(parseForm(text), list);
      }),
      fuzzParams(400),
    );
  });

  it('never throws on arbitrary text, and never pollutes Object.prototype', () => {
    const chunk = fc.oneof(
      fc.string({ maxLength: 10, unit: 'binary' }),
      fc.constantFrom('__proto__[polluted]=1', '__proto__.polluted=1', 'constructor[prototype][polluted]=1', '%', '%E0%A4%A', '&&', '==', '+', '%00', '__proto__=x'),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 6 }), (chunks) => {
        const text = chunks.join('&');
        for (const out of [queryOf(text), parseForm(text)]) {
          expect(Object.getPrototypeOf(out)).toBeNull();
          for (const v of Object.values(out)) expect(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))).toBe(true);
        }
      }),
      fuzzParams(400),
    );
  });
});

describe('cookie fuzz', () => {
  const cookieName = fc.stringMatching(/^[!#$%&'*+\-.^_`|~\w]{1,12}$/);

  it('serialise then parse returns the value (any well-formed string)', () => {
    fc.assert(
      fc.property(cookieName, fc.string({ maxLength: 20, unit: 'grapheme' }), (name, v) => {
        const set = serializeCookie(name, v);
        // A browser sends back the first `name=value` of Set-Cookie.
        const header = set.slice(0, set.indexOf(';'));
        expect(new Cookies(header, undefined, () => undefined).get(name)).toBe(v);
        expect(set).not.toMatch(/[\r\n]/);
      }),
      fuzzParams(400),
    );
  });

  it('parses any Cookie header without throwing; every value is a string', () => {
    const piece = fc.oneof(fc.string({ maxLength: 10, unit: 'binary' }), fc.constantFrom('a=b', '__proto__=x', 'constructor=y', '=', ';', '"', 'a="q"', '%', 'x=%E0%A4%A'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), dangerousKey, (pieces, name) => {
        const jar = new Cookies(pieces.join(';'), 'a-secret-of-16-chars', () => undefined);
        for (const n of [name, ...pieces.map((p) => p.split('=')[0]!.trim())]) {
          const v = jar.get(n);
          expect(v === undefined || typeof v === 'string').toBe(true);
          expect(jar.get(n, { signed: true }) === undefined || typeof v === 'string').toBe(true);
        }
      }),
      fuzzParams(300),
    );
  });

  it('never serialises CR, LF or a stray `;` from a name, value, path or domain: typed error instead', () => {
    const hostile = fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom('\r', '\n', '\r\n', ';', '\0'), fc.string({ maxLength: 6 })).map((p) => p.join(''));
    const where = fc.constantFrom('name', 'path', 'domain');
    fc.assert(
      fc.property(hostile, where, (bad, field) => {
        let out: string | undefined;
        try {
          out =
            field === 'name'
              ? serializeCookie(bad, 'v')
              : serializeCookie('n', 'v', field === 'path' ? { path: bad } : { domain: bad });
        } catch (err) {
          expect(err).toBeInstanceOf(HttpError);
          expect(OdyError.is(err, 'ODY_HTTP_HEADER_INVALID'), String(err)).toBe(true);
          return;
        }
        expect.unreachable(`serialised ${JSON.stringify(out)}`);
      }),
      fuzzParams(200),
    );
    // The value is percent-encoded, so CR/LF in it is data, never a header break.
    expect(serializeCookie('n', 'a\r\nSet-Cookie: x=1')).toBe('n=a%0D%0ASet-Cookie%3A%20x%3D1; Path=/; HttpOnly');
  });
});

describe('multipart fuzz', () => {
  /** Consume a multipart body fully; resolves with the parts' names or rejects with the parser's error. */
  async function consume(body: Buffer, contentType: string): Promise<string[]> {
    const names: string[] = [];
    for await (const part of parseMultipart(Readable.from([body]), { 'content-type': contentType }, { fileSize: 1024, files: 4, fields: 8 })) {
      names.push(part.name);
      if (part.kind === 'file') for await (const _ of part.stream) void _;
    }
    return names;
  }

  /** Bound every parse: a hang fails the property instead of the test run. */
  function bounded<T>(p: Promise<T>, ms = 2000): Promise<T> {
    return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`multipart parse did not settle in ${ms} ms`)), ms).unref())]);
  }

  const boundary = fc.stringMatching(/^[A-Za-z0-9'()+_,\-./:=?]{1,40}$/);
  const wellFormed = fc.record({
    boundary,
    fields: fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 20 }), fc.boolean()), { maxLength: 4 }),
  });
  function encode(b: string, fields: Array<[string, string, boolean]>): Buffer {
    let s = '';
    for (const [name, v, isFile] of fields) {
      s += `--${b}\r\ncontent-disposition: form-data; name="${name}"${isFile ? '; filename="f.txt"' : ''}\r\n`;
      if (isFile) s += 'content-type: text/plain\r\n';
      s += `\r\n${v}\r\n`;
    }
    return Buffer.from(`${s}--${b}--\r\n`);
  }

  it('a well-formed body yields its parts in order', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(wellFormed, async ({ boundary: b, fields }) => {
        // A value that contains the delimiter is not well-formed: skip those.
        fc.pre(fields.every(([, v]) => !v.includes(`--${b}`) && !v.includes('\r') && !v.includes('\n')));
        const names = await bounded(consume(encode(b, fields), `multipart/form-data; boundary="${b}"`));
        expect(names).toEqual(fields.map(([n]) => n));
        checked++;
      }),
      fuzzParams(150),
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('malformed or truncated bodies and headers end in a 400 typed error or a result, never a crash or a hang', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 12 }) }),
      fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
    );
    const contentType = fc.oneof(
      boundary.map((b) => ({ b, header: `multipart/form-data; boundary=${b}` })),
      fc.constantFrom('multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="unterminated', 'text/plain', '').map((header) => ({ b: 'x', header })),
      fc.string({ maxLength: 40 }).map((s) => ({ b: 'x', header: `multipart/form-data; ${s}` })),
    );
    let rejected = 0;
    let parsed = 0;
    await fc.assert(
      fc.asyncProperty(wellFormed, contentType, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (form, ct, mutations) => {
        let body = encode(ct.b === 'x' ? form.boundary : ct.b, form.fields);
        for (const m of mutations) {
          if (m.kind === 'truncate') body = body.subarray(0, m.at % (body.length + 1));
          else if (m.kind === 'flip' && body.length > 0) body[m.at % body.length] = m.byte;
          else if (m.kind === 'insert') {
            const at = m.at % (body.length + 1);
            body = Buffer.concat([body.subarray(0, at), m.bytes, body.subarray(at)]);
          } else if (m.kind === 'garbage') body = Buffer.from(m.bytes);
        }
        try {
          await bounded(consume(body, ct.header));
          parsed++;
        } catch (err) {
          expect((err as Error).message).not.toMatch(/did not settle/);
          expect(err, String(err)).toBeInstanceOf(HttpError);
          expect((err as HttpError).status).toBe(400);
          rejected++;
        }
      }),
      fuzzParams(300),
    );
    // Both outcomes occur: the mutations reach the parser's error paths, not only its happy path.
    expect(rejected).toBeGreaterThan(30);
    expect(parsed).toBeGreaterThan(0);
  });
});
