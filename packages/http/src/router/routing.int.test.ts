import net from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { OdyHttpServer } from '../index.js';
import { json, start } from '../fixtures/helpers.js';
import { describeEngines } from '../../../../test-support/engines.js';

let server: OdyHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describeEngines(() => {
  describe('routing over loopback', () => {
    it('answers 404 and 405 with Allow as problem+json, and HEAD for GET routes', async () => {
      const s = await start((r) => {
        r.get('/things/:id', () => ({ hello: 'world' }));
        r.delete('/things/:id', () => undefined);
      });
      server = s.server;
      const nf = await fetch(`${s.url}/nothing`);
      expect(nf.status).toBe(404);
      expect(nf.headers.get('content-type')).toBe('application/problem+json');
      expect((await json(nf)).code).toBe('ODY_HTTP_NOT_FOUND');
      const na = await fetch(`${s.url}/things/1`, { method: 'PUT', body: 'x' });
      expect(na.status).toBe(405);
      expect(na.headers.get('allow')).toBe('GET, DELETE, HEAD');
      expect((await json(na)).code).toBe('ODY_HTTP_METHOD_NOT_ALLOWED');
      const head = await fetch(`${s.url}/things/1`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String('{"hello":"world"}'.length));
      expect(await head.text()).toBe('');
      expect((await fetch(`${s.url}/things/1`, { method: 'DELETE' })).status).toBe(204);
    });

    it('matches a wildcard only with its slash and a param never on an empty segment, the same over the wire and in inject()', async () => {
      const s = await start((r) => {
        r.get('/files/*', (ctx) => ({ rest: ctx.params['*'] }));
        r.get('/:id/*', (ctx) => ({ id: ctx.params.id, rest: ctx.params['*'] }));
      });
      server = s.server;
      const cases: Array<[string, number, unknown]> = [
        ['/files/', 200, { rest: '' }],
        ['/files/a/b', 200, { rest: 'a/b' }],
        ['/files', 404, undefined],
        ['/x/', 200, { id: 'x', rest: '' }],
        ['/x', 404, undefined],
        ['/', 404, undefined],
      ];
      for (const [path, status, body] of cases) {
        const wire = await fetch(`${s.url}${path}`);
        const injected = await s.server.inject({ url: path });
        expect([path, wire.status, injected.statusCode]).toEqual([path, status, status]);
        if (body !== undefined) expect([await wire.json(), injected.json()]).toEqual([body, body]);
        else expect(((await json(wire)) as { code: string }).code).toBe('ODY_HTTP_NOT_FOUND');
      }
    });

    it('keeps a keep-alive connection answering after HEAD requests (sized, streamed, problem), pipelined', async () => {
      const s = await start((r) => {
        r.get('/', () => ({ hello: 'world' }));
        r.get('/stream', () => Readable.from(['abc', 'def']));
      });
      server = s.server;
      const heads = ['/', '/stream', '/missing'].map((p) => `HEAD ${p} HTTP/1.1\r\nhost: x\r\n\r\n`).join('');
      const out = await new Promise<string>((resolve) => {
        const sock = net.connect(s.port, '127.0.0.1');
        let text = '';
        sock.on('data', (d) => {
          text += d.toString('latin1');
        });
        sock.on('close', () => resolve(text));
        sock.on('error', () => undefined);
        // Sent in one packet; the last request closes the connection once answered.
        sock.write(`${heads}GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      });
      const responses = out.split(/(?=HTTP\/1\.1 )/);
      expect(responses.map((r) => Number(r.slice(9, 12)))).toEqual([200, 200, 404, 200]);
      expect(responses[0]).toMatch(/content-length: 17\r\n/i);
      expect(responses[1]).not.toMatch(/content-length/i);
      expect(responses[3]!.endsWith('\r\n\r\n{"hello":"world"}')).toBe(true);
      expect(responses.slice(0, 3).every((r) => r.endsWith('\r\n\r\n'))).toBe(true);
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
        expect(await json(res)).toEqual({ ok: true });
      }
      expect((await fetch(`${s.url}/text`)).headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const bytes = await fetch(`${s.url}/bytes`);
      expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
      expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([1, 2, 3]);
      const missing = await fetch(`${s.url}/nope`);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
    });
  });

});
