import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compose,
  httpErrorCodes as errorCodes,
  HttpContext,
  HttpError,
  HttpServerError,
  MemoryRateLimitStore,
  NotFoundError,
  serializeCookie,
  toProblem,
  ValidationError,
} from './index.js';
import { matchPattern, parsePattern } from './router/pattern.js';

describe('errors', () => {
  it('docs/errors.md lists exactly the codes in errorCodes', () => {
    const md = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...md.matchAll(/^\| (ODY_\w+) \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(errorCodes).sort());
  });

  it('maps HttpErrors to problem+json and hides unexpected errors behind a 500', () => {
    const nf = toProblem(new NotFoundError('gone'), '/x');
    expect(nf.status).toBe(404);
    expect(JSON.parse(nf.body)).toMatchObject({ status: 404, code: 'ODY_HTTP_NOT_FOUND', detail: 'gone', instance: '/x' });
    const v = toProblem(new ValidationError([{ location: 'body', path: 'a', message: 'bad' }]), '/v');
    expect(JSON.parse(v.body).errors).toEqual([{ location: 'body', path: 'a', message: 'bad' }]);
    const boom = toProblem(new Error('secret detail'), '/b');
    expect(boom.status).toBe(500);
    expect(boom.body).not.toContain('secret');
    expect(boom.unexpected).toBeInstanceOf(Error);
  });

  it('has one base: server errors are HttpErrors too, hidden and logged if they reach a response', () => {
    const err = new HttpServerError('ODY_HTTP_STATE', 'Cannot listen: the server is closed.');
    expect(err).toBeInstanceOf(HttpError);
    expect(err.code).toBe('ODY_HTTP_STATE');
    const p = toProblem(err, '/s');
    expect(p.status).toBe(500);
    expect(p.body).not.toContain('Cannot listen');
    expect(p.unexpected).toBe(err);
  });
});

describe('compose', () => {
  it('runs middleware onion-style and rejects a double next()', async () => {
    const seen: string[] = [];
    const ctx = new HttpContext('GET', '/', '', {}, {});
    const run = compose(
      [
        async (_c, next) => {
          seen.push('a1');
          await next();
          seen.push('a2');
        },
        async (_c, next) => {
          seen.push('b1');
          await next();
          seen.push('b2');
        },
      ],
      () => {
        seen.push('h');
      },
    );
    await run(ctx);
    expect(seen).toEqual(['a1', 'b1', 'h', 'b2', 'a2']);
    const twice = compose([async (_c, next) => {
      await next();
      await next();
    }], () => undefined);
    await expect(twice(ctx) as Promise<void>).rejects.toMatchObject({ code: 'ODY_HTTP_NEXT_CALLED_TWICE', message: expect.stringMatching(/more than once/) });
  });

  it('returns the terminal itself when there is no middleware (sync fast path)', () => {
    const terminal = () => 1;
    expect(compose([], terminal)).toBe(terminal);
  });
});

describe('patterns', () => {
  it('matches params and trailing wildcards', () => {
    expect(matchPattern(parsePattern('/u/:id'), '/u/1')).toBe(true);
    expect(matchPattern(parsePattern('/u/:id'), '/u/1/x')).toBe(false);
    expect(matchPattern(parsePattern('/f/*'), '/f/a/b')).toBe(true);
    expect(matchPattern(parsePattern('/f/*'), '/g/a')).toBe(false);
  });
});

describe('token bucket', () => {
  it('allows a burst of `limit`, then refills `limit` tokens per `windowMs`', () => {
    const store = new MemoryRateLimitStore();
    // limit 2 per windowMs 2000: a burst of 2, then one token every 1000 ms.
    expect(store.take('k', 2, 2000, 0)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(store.take('k', 2, 2000, 0).allowed).toBe(true);
    const denied = store.take('k', 2, 2000, 0);
    expect(denied).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1000 });
    expect(store.take('k', 2, 2000, 999).allowed).toBe(false);
    expect(store.take('k', 2, 2000, 1000).allowed).toBe(true);
    // A whole window refills the whole bucket, never more than `limit`.
    expect(store.take('k', 2, 2000, 100_000)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(store.take('other', 2, 2000, 0).allowed).toBe(true);
  });

  it('keeps at most maxKeys buckets', () => {
    const store = new MemoryRateLimitStore(3);
    for (let i = 0; i < 10; i++) store.take(`k${i}`, 5, 50_000_000, 0);
    expect(store.size).toBeLessThanOrEqual(3);
  });
});

describe('cookies', () => {
  it('serialises options and rejects bad names', () => {
    expect(serializeCookie('a', 'b c', { maxAge: 60, secure: true, sameSite: 'Strict' })).toBe('a=b%20c; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=Strict');
    expect(() => serializeCookie('bad name', 'x')).toThrow(expect.objectContaining({ code: 'ODY_HTTP_HEADER_INVALID' }));
  });

  it('rejects a path or domain that would split the header or add an attribute (CR, LF, `;`)', () => {
    for (const options of [{ path: '/\r\nSet-Cookie: x=1' }, { path: '/; Domain=evil.example' }, { domain: 'a.example\n' }, { domain: 'a.example; Secure' }]) {
      expect(() => serializeCookie('a', 'b', options)).toThrow(expect.objectContaining({ code: 'ODY_HTTP_HEADER_INVALID' }));
    }
    expect(serializeCookie('a', 'b', { path: '/app', domain: 'a.example' })).toBe('a=b; Path=/app; Domain=a.example; HttpOnly');
  });
});
