import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { currentContext } from '@ody/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog, compression, cors, rateLimit, requestId, securityHeaders, serveStatic, type UwsHttpServer } from '../index.js';
import { json, memoryLogger, raw, start } from '../fixtures/helpers.js';
import { describeEngines } from '../../../../test-support/engines.js';

let server: UwsHttpServer;
let url: string;
let port: number;
let dir: string;
const access = memoryLogger();


describeEngines(() => {
  beforeAll(async () => {
    access.lines.length = 0;
    dir = mkdtempSync(join(tmpdir(), 'ody-http-static-'));
    mkdirSync(join(dir, 'public'));
    writeFileSync(join(dir, 'public', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'public', 'data.bin'), Buffer.from(Array.from({ length: 100 }, (_, i) => i)));
    writeFileSync(join(dir, 'public', 'index.html'), '<h1>hi</h1>');
    writeFileSync(join(dir, 'public', '.env'), 'SECRET=1');
    writeFileSync(join(dir, 'secret.txt'), 'outside root');
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'public', 'leak.txt')); // file symlink leaving the root
    symlinkSync(dir, join(dir, 'public', 'up')); // directory symlink leaving the root
    symlinkSync(join(dir, 'public', 'app.js'), join(dir, 'public', 'alias.js')); // stays inside: allowed
    const s = await start(
      (r) => {
        r.use(requestId(), accessLog({ logger: access.logger }), cors({ origin: ['http://app.test'], credentials: true }), securityHeaders());
        r.get('/ctx', () => ({ correlationId: currentContext()?.correlationId, requestId: currentContext()?.requestId }));
        r.group('/z', compression({ threshold: 100 }))
          .get('/big', () => ({ data: 'x'.repeat(5000) }))
          .get('/small', () => ({ data: 'x' }));
        r.group('/limited', rateLimit({ limit: 2, windowMs: 60_000 })).get('/', () => 'ok');
        r.get('/assets/*', serveStatic(join(dir, 'public')));
        r.get('/cookie/set', (ctx) => {
          ctx.cookies.set('plain', 'a b');
          ctx.cookies.set('session', 'user-1', { signed: true, sameSite: 'Lax' });
          return 'set';
        });
        r.get('/cookie/read', (ctx) => ({ plain: ctx.cookies.get('plain'), session: ctx.cookies.get('session', { signed: true }) }));
        r.get('/go', (ctx) => ctx.redirect('/ctx', 303));
      },
      { cookieSecret: 'a-very-long-secret-value' },
    );
    server = s.server;
    url = s.url;
    port = s.port;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('built-in middleware', () => {
    it('request and correlation ids reach the core context and response headers', async () => {
      const res = await fetch(`${url}/ctx`, { headers: { 'x-correlation-id': 'corr-123' } });
      const body = await json(res);
      expect(body.correlationId).toBe('corr-123');
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
      expect(res.headers.get('x-correlation-id')).toBe('corr-123');
      const line = access.lines.find((l) => l.path === '/ctx');
      expect(line).toMatchObject({ method: 'GET', status: 200, correlationId: 'corr-123', requestId: body.requestId });
    });

    it('CORS answers preflight and decorates allowed origins only; security headers are set', async () => {
      const pre = await fetch(`${url}/ctx`, { method: 'OPTIONS', headers: { origin: 'http://app.test', 'access-control-request-method': 'POST' } });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('http://app.test');
      expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
      const other = await fetch(`${url}/ctx`, { headers: { origin: 'http://evil.test' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('x-content-type-options')).toBe('nosniff');
      expect(other.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    });

    it('compresses with brotli or gzip above the threshold only', async () => {
      const br = await raw(port, 'GET /z/big HTTP/1.1\r\nhost: x\r\naccept-encoding: br\r\nconnection: close\r\n\r\n');
      expect(br.toLowerCase()).toContain('content-encoding: br');
      const brBody = Buffer.from(br.slice(br.indexOf('\r\n\r\n') + 4), 'latin1');
      expect(JSON.parse(brotliDecompressSync(brBody).toString()).data).toHaveLength(5000);
      const gz = await raw(port, 'GET /z/big HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\nconnection: close\r\n\r\n');
      expect(gz.toLowerCase()).toContain('content-encoding: gzip');
      expect(gz.toLowerCase()).toContain('content-type: application/json');
      expect(JSON.parse(gunzipSync(Buffer.from(gz.slice(gz.indexOf('\r\n\r\n') + 4), 'latin1')).toString()).data).toHaveLength(5000);
      const small = await raw(port, 'GET /z/small HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip, br\r\nconnection: close\r\n\r\n');
      expect(small.toLowerCase()).not.toContain('content-encoding');
    });

    it('rate limits per client with a token bucket: 429 with Retry-After', async () => {
      expect((await fetch(`${url}/limited`)).status).toBe(200);
      expect((await fetch(`${url}/limited`)).status).toBe(200);
      const limited = await fetch(`${url}/limited`);
      expect(limited.status).toBe(429);
      // One token per windowMs / limit = 30 s (a little less if the machine is slow between requests).
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(25);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(30);
      expect(limited.headers.get('ratelimit-limit')).toBe('2');
      expect((await json(limited)).code).toBe('ODY_HTTP_TOO_MANY_REQUESTS');
    });

    it('serves static files with content types, ETag/304, Range and index.html', async () => {
      const js = await fetch(`${url}/assets/app.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await js.text()).toBe('console.log(1)');
      const etag = js.headers.get('etag')!;
      expect((await fetch(`${url}/assets/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      const part = await fetch(`${url}/assets/data.bin`, { headers: { range: 'bytes=10-19' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe('bytes 10-19/100');
      expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      const bad = await fetch(`${url}/assets/data.bin`, { headers: { range: 'bytes=500-' } });
      expect(bad.status).toBe(416);
      expect(await (await fetch(`${url}/assets/`)).text()).toBe('<h1>hi</h1>');
      const head = await fetch(`${url}/assets/data.bin`, { method: 'HEAD' });
      expect(head.headers.get('content-length')).toBe('100');
    });

    it('refuses path traversal and dotfiles', async () => {
      for (const p of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fetc/passwd', '/assets/.env']) {
        const out = await raw(port, `GET ${p} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
        expect(out).toMatch(/^HTTP\/1\.1 404/);
        expect(out).not.toContain('outside root');
        expect(out).not.toContain('SECRET');
      }
    });

    it('refuses symlinks whose real path leaves the root, serves ones that stay inside', async () => {
      for (const p of ['/assets/leak.txt', '/assets/up/secret.txt']) {
        const res = await fetch(`${url}${p}`);
        expect([p, res.status]).toEqual([p, 404]);
        expect(await res.text()).not.toContain('outside root');
      }
      const alias = await fetch(`${url}/assets/alias.js`);
      expect(alias.status).toBe(200);
      expect(await alias.text()).toBe('console.log(1)');
    });

    it('sets, reads and verifies signed cookies; redirects', async () => {
      const set = await fetch(`${url}/cookie/set`);
      const cookies = set.headers.getSetCookie();
      expect(cookies[0]).toMatch(/^plain=a%20b; Path=\/; HttpOnly$/);
      expect(cookies[1]).toMatch(/^session=user-1\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/);
      const jar = cookies.map((c) => c.split(';')[0]).join('; ');
      expect(await (await fetch(`${url}/cookie/read`, { headers: { cookie: jar } })).json()).toEqual({ plain: 'a b', session: 'user-1' });
      const forged = jar.replace(/session=user-1\.[\w-]+/, 'session=admin.AAAA');
      expect(await (await fetch(`${url}/cookie/read`, { headers: { cookie: forged } })).json()).toEqual({ plain: 'a b' });
      const go = await fetch(`${url}/go`, { redirect: 'manual' });
      expect(go.status).toBe(303);
      expect(go.headers.get('location')).toBe('/ctx');
    });
  });
});
