// The request path without a socket: server.inject() runs routing, middleware, limits, validation
// and problem+json exactly as a socket request does. Wire-level behaviour (keep-alive, aborts,
// parser limits, streaming backpressure) stays in the *.int.test.ts suites on both engines.
import { Readable } from 'node:stream';
import { z } from '@ody/core';
import { afterEach, describe, expect, it } from 'vitest';
import { cors, createServer, HttpRouter, type OdyHttpServer, rateLimit, requestId } from '../index.js';
import { memoryLogger } from '../fixtures/helpers.js';

const servers: OdyHttpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function server(setup: (r: HttpRouter) => void, config: Parameters<typeof createServer>[0] = {}): OdyHttpServer {
  const s = createServer({ logger: memoryLogger().logger, ...config });
  setup(s.router);
  servers.push(s);
  return s;
}

describe('server.inject: routing', () => {
  it('serves params, wildcards, groups with prefix and middleware in order', async () => {
    const order: string[] = [];
    const s = server((r) => {
      r.use(async (ctx, next) => {
        order.push('global');
        await next();
        ctx.header('x-global', '1');
      });
      r.get('/users/:id', (ctx) => ({ id: ctx.params.id }));
      r.get('/users/:id/posts/:post', (ctx) => ctx.params);
      r.get('/files/*', (ctx) => ({ rest: ctx.params['*'] }));
      const api = r.group('/api', async (_ctx, next) => {
        order.push('api');
        await next();
      });
      api
        .group('/v1', (ctx, next) => {
          order.push('v1');
          ctx.state.v = 1;
          return next();
        })
        .get('/ping', (ctx) => ({ pong: ctx.state.v }));
    });
    expect((await s.inject({ url: '/users/42' })).json()).toEqual({ id: '42' });
    expect((await s.inject({ url: '/users/a%20b/posts/7' })).json()).toEqual({ id: 'a b', post: '7' });
    expect((await s.inject({ url: '/files/a/b/c.txt' })).json()).toEqual({ rest: 'a/b/c.txt' });
    order.length = 0;
    const ping = await s.inject({ url: '/api/v1/ping' });
    expect(ping.json()).toEqual({ pong: 1 });
    expect(ping.headers['x-global']).toBe('1');
    expect(order).toEqual(['global', 'api', 'v1']);
  });

  it('answers 404 and 405 with Allow as problem+json, HEAD for GET routes, 204 for no body', async () => {
    const s = server((r) => {
      r.get('/things/:id', () => ({ hello: 'world' }));
      r.delete('/things/:id', () => undefined);
    });
    const nf = await s.inject({ url: '/nothing' });
    expect(nf.statusCode).toBe(404);
    expect(nf.headers['content-type']).toBe('application/problem+json');
    expect(nf.json()).toMatchObject({ code: 'ODY_HTTP_NOT_FOUND', status: 404, instance: '/nothing' });
    const na = await s.inject({ method: 'PUT', url: '/things/1', body: 'x' });
    expect(na.statusCode).toBe(405);
    expect(na.headers.allow).toBe('GET, DELETE, HEAD');
    expect(na.json()).toMatchObject({ code: 'ODY_HTTP_METHOD_NOT_ALLOWED' });
    const head = await s.inject({ method: 'HEAD', url: '/things/1' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect((await s.inject({ method: 'DELETE', url: '/things/1' })).statusCode).toBe(204);
  });

  it('mounts routes added later, and an explicit HEAD route overrides the automatic one', async () => {
    const s = server((r) => r.get('/a', () => 'a'));
    expect((await s.inject({ url: '/a' })).body).toBe('a');
    s.router.post('/b', { name: 'create-b' }, () => 'b');
    s.router.head('/a', (ctx) => {
      ctx.header('x-head', 'yes');
      return '';
    });
    expect((await s.inject({ method: 'POST', url: '/b' })).body).toBe('b');
    expect((await s.inject({ method: 'HEAD', url: '/a' })).headers['x-head']).toBe('yes');
    expect(s.router.routes()).toEqual([
      { method: 'GET', path: '/a', middleware: 0 },
      { method: 'POST', path: '/b', name: 'create-b', middleware: 0 },
      { method: 'HEAD', path: '/a', middleware: 0 },
    ]);
  });

  it('rejects duplicates, bad patterns and bad handlers with ODY_HTTP_ROUTE_INVALID', () => {
    const r = new HttpRouter();
    r.get('/u/:id', () => 1);
    expect(() => r.get('/u/:other', () => 2)).toThrow(expect.objectContaining({ code: 'ODY_HTTP_ROUTE_INVALID' }));
    expect(() => r.get('/a/*/b', () => 1)).toThrow(/last segment/);
    expect(() => r.get('/a/x:y', () => 1)).toThrow(/mixes/);
    expect(() => r.get('/z', 5 as never)).toThrow(/handler must be a function/);
  });
});

describe('server.inject: bodies, validation and errors', () => {
  it('reads JSON, text and form bodies and validates them with every bad field listed', async () => {
    const s = server((r) => {
      r.post('/json', async (ctx) => ({ got: await ctx.body.json() }));
      r.post('/text', async (ctx) => `text:${await ctx.body.text()}`);
      r.post('/form', async (ctx) => ctx.body.form());
      r.post('/users', { body: z.object({ name: z.string().min(2), age: z.number().int() }), query: z.object({ dry: z.enum(['yes', 'no']) }) }, (ctx) => ({
        created: ctx.valid.body,
      }));
    });
    expect((await s.inject({ method: 'POST', url: '/json', body: { a: [1, 2] } })).json()).toEqual({ got: { a: [1, 2] } });
    expect((await s.inject({ method: 'POST', url: '/text', body: 'héllo', headers: { 'content-type': 'text/plain' } })).body).toBe('text:héllo');
    const form = await s.inject({ method: 'POST', url: '/form', body: 'a=1&b=2&a=3', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.json()).toEqual({ a: ['1', '3'], b: '2' });
    const ok = await s.inject({ method: 'POST', url: '/users?dry=no', body: { name: 'Ada', age: 36 } });
    expect(ok.json()).toEqual({ created: { name: 'Ada', age: 36 } });
    const bad = await s.inject({ method: 'POST', url: '/users?dry=maybe', body: { name: 'A', age: 1.5 } });
    expect(bad.statusCode).toBe(400);
    const problem = bad.json<{ code: string; errors: Array<{ location: string; path: string }> }>();
    expect(problem.code).toBe('ODY_HTTP_VALIDATION');
    expect(problem.errors.map((e) => `${e.location}.${e.path}`).sort()).toEqual(['body.age', 'body.name', 'query.dry']);
    const malformed = await s.inject({ method: 'POST', url: '/json', body: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'ODY_HTTP_MALFORMED_JSON' });
  });

  it('enforces body and URL limits before the handler runs', async () => {
    let runs = 0;
    const s = server(
      (r) => {
        r.post('/upload', async (ctx) => {
          runs++;
          return { bytes: (await ctx.body.raw()).byteLength };
        });
        r.post('/small', { maxBodyBytes: 10 }, async (ctx) => (await ctx.body.raw()).byteLength);
      },
      { config: { limits: { maxBodyBytes: 1000, maxUrlLength: 100 } } },
    );
    expect((await s.inject({ method: 'POST', url: '/upload', body: Buffer.alloc(1000) })).json()).toEqual({ bytes: 1000 });
    const big = await s.inject({ method: 'POST', url: '/upload', body: Buffer.alloc(1001) });
    expect(big.statusCode).toBe(413);
    expect(big.closed).toBe(true);
    expect(big.json()).toMatchObject({ code: 'ODY_HTTP_BODY_TOO_LARGE' });
    expect(runs).toBe(1);
    expect((await s.inject({ method: 'POST', url: '/small', body: 'x'.repeat(11) })).statusCode).toBe(413);
    expect((await s.inject({ url: `/${'x'.repeat(200)}` })).statusCode).toBe(414);
  });

  it('a throwing handler is a 500 problem+json whose message stays in the logs', async () => {
    const { logger, lines } = memoryLogger();
    const s = createServer({ logger });
    servers.push(s);
    s.router.get('/boom', async () => {
      throw new Error('secret internals');
    });
    const res = await s.inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'ODY_HTTP_INTERNAL' });
    expect(res.body).not.toContain('secret');
    expect(lines.some((l) => l.msg === 'request handler failed')).toBe(true);
  });

  it('streams a Node stream as the body, chunked or sized', async () => {
    const s = server((r) => {
      r.get('/chunked', () => Readable.from(['a', 'b', 'c']));
      r.get('/sized', (ctx) => {
        ctx.header('content-length', '6');
        return Readable.from([Buffer.from('abc'), Buffer.from('def')]);
      });
    });
    expect((await s.inject({ url: '/chunked' })).body).toBe('abc');
    expect((await s.inject({ url: '/sized' })).body).toBe('abcdef');
  });
});

describe('server.inject: middleware', () => {
  it('cors, request ids, cookies and rate limits behave as on a socket', async () => {
    const s = server(
      (r) => {
        r.use(requestId(), cors({ origin: ['http://app.test'], credentials: true }));
        r.get('/cookie/set', (ctx) => {
          ctx.cookies.set('session', 'user-1', { signed: true, sameSite: 'Lax' });
          ctx.cookies.set('plain', 'a b');
          return 'set';
        });
        r.get('/cookie/read', (ctx) => ({ session: ctx.cookies.get('session', { signed: true }), plain: ctx.cookies.get('plain') }));
        r.group('/limited', rateLimit({ limit: 2, windowMs: 60_000 })).get('/', () => 'ok');
      },
      { config: { cookieSecret: 'a-very-long-secret-value' } },
    );
    const pre = await s.inject({ method: 'OPTIONS', url: '/cookie/read', headers: { origin: 'http://app.test', 'access-control-request-method': 'GET' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('http://app.test');
    const set = await s.inject({ url: '/cookie/set', headers: { 'x-request-id': 'req-1' } });
    expect(set.headers['x-request-id']).toBe('req-1');
    const cookies = set.headers['set-cookie'] as string[];
    expect(cookies).toHaveLength(2);
    const jar = cookies.map((c) => c.split(';')[0]).join('; ');
    expect((await s.inject({ url: '/cookie/read', headers: { cookie: jar } })).json()).toEqual({ session: 'user-1', plain: 'a b' });
    const tampered = jar.replace('user-1', 'user-2');
    expect((await s.inject({ url: '/cookie/read', headers: { cookie: tampered } })).json()).toEqual({ plain: 'a b' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await s.inject({ url: '/limited' })).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('the health route answers ok', async () => {
    const s = server(() => undefined);
    expect((await s.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
  });
});

describe('server.inject: hostile input', () => {
  it('bounds JSON nesting depth with a 400 (configurable)', async () => {
    const s = server((r) => r.post('/echo', async (ctx) => ({ got: await ctx.body.json() })), { config: { limits: { maxJsonDepth: 3 } } });
    expect((await s.inject({ method: 'POST', url: '/echo', body: { a: { b: [1] } } })).statusCode).toBe(200);
    const deep = await s.inject({ method: 'POST', url: '/echo', body: { a: { b: [[1]] } } });
    expect(deep.statusCode).toBe(400);
    expect(deep.json()).toMatchObject({ code: 'ODY_HTTP_JSON_TOO_DEEP' });
    // brackets inside strings do not count
    expect((await s.inject({ method: 'POST', url: '/echo', body: { a: '[[[[[["' } })).statusCode).toBe(200);
  });

  it('circular (sync) and BigInt (async) results become 500 problem+json', async () => {
    const s = server((r) => {
      r.get('/circular', () => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      });
      r.get('/bigint', async () => ({ n: 10n }));
    });
    for (const url of ['/circular', '/bigint']) {
      const res = await s.inject({ url });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toMatchObject({ code: 'ODY_HTTP_INTERNAL' });
    }
  });

  it('rejects CR/LF in header values and bad header names, in headers, redirects and cookies', async () => {
    const s = server((r) => {
      r.get('/go', (ctx) => ctx.redirect(String(ctx.query.to)));
      r.get('/h', (ctx) => {
        ctx.header(String(ctx.query.name), String(ctx.query.value));
        return 'ok';
      });
      r.get('/cookie', (ctx) => {
        ctx.cookies.set('c', String(ctx.query.v));
        return 'ok';
      });
    });
    const redirect = await s.inject({ url: '/go?to=/home%0d%0aSet-Cookie:%20x=1' });
    expect(redirect.statusCode).toBe(500);
    expect(redirect.json()).toMatchObject({ code: 'ODY_HTTP_HEADER_INVALID' });
    expect(redirect.headers['set-cookie']).toBeUndefined();
    expect((await s.inject({ url: '/h?name=x-ok&value=a%0ab' })).statusCode).toBe(500);
    expect((await s.inject({ url: '/h?name=x%20bad&value=v' })).statusCode).toBe(500);
    expect((await s.inject({ url: '/h?name=x-ok&value=tab%09ok' })).headers['x-ok']).toBe('tab\tok');
    const cookie = await s.inject({ url: '/cookie?v=a%0d%0aX-Evil:%201' });
    expect(cookie.headers['x-evil']).toBeUndefined();
  });

  it('parses query and form keys with built-in names into null-prototype objects', async () => {
    const s = server((r) => {
      r.get('/q', (ctx) => ({ q: ctx.query, proto: Object.getPrototypeOf(ctx.query) === null }));
      r.post('/f', async (ctx) => {
        const f = await ctx.body.form();
        return { f, proto: Object.getPrototypeOf(f) === null };
      });
    });
    expect((await s.inject({ url: '/q?toString=x&constructor=y&__proto__=z' })).json()).toEqual({
      q: { toString: 'x', constructor: 'y', ['__proto__']: 'z' },
      proto: true,
    });
    const form = await s.inject({ method: 'POST', url: '/f', body: 'toString=x&hasOwnProperty=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.json()).toEqual({ f: { toString: 'x', hasOwnProperty: 'y' }, proto: true });
  });
});
