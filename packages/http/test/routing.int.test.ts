import { afterEach, describe, expect, it } from 'vitest';
import { HttpRouter, type UwsHttpServer } from '../src/index.js';
import { start } from './helpers.js';
import { describeEngines } from '../../../test-support/engines.js';

let server: UwsHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describeEngines(() => {
  describe('routing over loopback', () => {
    it('serves params, wildcards, groups with prefix and middleware in order', async () => {
      const order: string[] = [];
      const s = await start((r) => {
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
        api.group('/v1', (ctx, next) => {
          order.push('v1');
          ctx.state.v = 1;
          return next();
        }).get('/ping', (ctx) => ({ pong: ctx.state.v }));
      });
      server = s.server;
      expect(await (await fetch(`${s.url}/users/42`)).json()).toEqual({ id: '42' });
      expect(await (await fetch(`${s.url}/users/a%20b/posts/7`)).json()).toEqual({ id: 'a b', post: '7' });
      expect(await (await fetch(`${s.url}/files/a/b/c.txt`)).json()).toEqual({ rest: 'a/b/c.txt' });
      order.length = 0;
      const ping = await fetch(`${s.url}/api/v1/ping`);
      expect(await ping.json()).toEqual({ pong: 1 });
      expect(ping.headers.get('x-global')).toBe('1');
      expect(order).toEqual(['global', 'api', 'v1']);
    });

    it('answers 404 and 405 with Allow as problem+json, and HEAD for GET routes', async () => {
      const s = await start((r) => {
        r.get('/things/:id', () => ({ hello: 'world' }));
        r.delete('/things/:id', () => undefined);
      });
      server = s.server;
      const nf = await fetch(`${s.url}/nothing`);
      expect(nf.status).toBe(404);
      expect(nf.headers.get('content-type')).toBe('application/problem+json');
      expect((await nf.json()).code).toBe('ODY_HTTP_NOT_FOUND');
      const na = await fetch(`${s.url}/things/1`, { method: 'PUT', body: 'x' });
      expect(na.status).toBe(405);
      expect(na.headers.get('allow')).toBe('GET, DELETE, HEAD');
      expect((await na.json()).code).toBe('ODY_HTTP_METHOD_NOT_ALLOWED');
      const head = await fetch(`${s.url}/things/1`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String('{"hello":"world"}'.length));
      expect(await head.text()).toBe('');
      expect((await fetch(`${s.url}/things/1`, { method: 'DELETE' })).status).toBe(204);
    });

    it('mounts routes added after listen and lists every route', async () => {
      const s = await start((r) => r.get('/a', () => 'a'));
      server = s.server;
      s.server.router.post('/b', { name: 'create-b' }, () => 'b');
      expect(await (await fetch(`${s.url}/b`, { method: 'POST' })).text()).toBe('b');
      expect(s.server.router.routes()).toEqual([
        { method: 'GET', path: '/a', middleware: 0 },
        { method: 'POST', path: '/b', name: 'create-b', middleware: 0 },
      ]);
    });

    it('an explicit HEAD route overrides the automatic one', async () => {
      const s = await start((r) => {
        r.get('/x', () => 'body');
        r.head('/x', (ctx) => {
          ctx.header('x-head', 'yes');
          return '';
        });
      });
      server = s.server;
      const res = await fetch(`${s.url}/x`, { method: 'HEAD' });
      expect(res.headers.get('x-head')).toBe('yes');
    });

    it('writes every response header and content type, past the cache of encoded header names', async () => {
      // Header names and short values are written as cached bytes up to a bound, then as strings
      // (600 distinct values here, one longer than the cacheable length): all must arrive intact.
      const long = 'L'.repeat(100);
      const s = await start((r) => {
        r.get('/many', (ctx) => {
          for (let i = 0; i < 300; i++) ctx.header(`X-Many-${i}`, `v${ctx.query.round}-${i}`);
          ctx.header('x-long', long);
          return { ok: true };
        });
        r.get('/text', () => 'plain');
        r.get('/bytes', () => new Uint8Array([1, 2, 3]));
      });
      server = s.server;
      for (let round = 0; round < 2; round++) {
        const res = await fetch(`${s.url}/many?round=${round}`);
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        for (let i = 0; i < 300; i++) expect(res.headers.get(`x-many-${i}`)).toBe(`v${round}-${i}`);
        expect(res.headers.get('x-long')).toBe(long);
        expect(await res.json()).toEqual({ ok: true });
      }
      expect((await fetch(`${s.url}/text`)).headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const bytes = await fetch(`${s.url}/bytes`);
      expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
      expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([1, 2, 3]);
      const missing = await fetch(`${s.url}/nope`);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
    });
  });

  describe('router registration errors', () => {
    it('rejects duplicates, bad patterns and bad handlers with ODY_HTTP_ROUTE_INVALID', () => {
      const r = new HttpRouter();
      r.get('/u/:id', () => 1);
      expect(() => r.get('/u/:other', () => 2)).toThrow(expect.objectContaining({ code: 'ODY_HTTP_ROUTE_INVALID' }));
      expect(() => r.get('/a/*/b', () => 1)).toThrow(/last segment/);
      expect(() => r.get('/a/x:y', () => 1)).toThrow(/mixes/);
      expect(() => r.get('/z', 5 as never)).toThrow(/handler must be a function/);
    });
  });
});
