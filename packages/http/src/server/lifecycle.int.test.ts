import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { UwsHttpServer } from '../index.js';
import { connect, json, readUntil, start, until } from '../fixtures/helpers.js';
import { describeEngines } from '../../../../test-support/engines.js';

let server: UwsHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describeEngines(() => {
  describe('errors and aborts', () => {
    it('a throwing or rejecting handler yields 500 problem+json and the server keeps serving', async () => {
      const s = await start((r) => {
        r.get('/throw', () => {
          throw new Error('sync boom');
        });
        r.get('/reject', async () => {
          await Promise.resolve();
          throw new Error('async boom');
        });
        r.get('/ok', () => 'ok');
      });
      server = s.server;
      for (const p of ['/throw', '/reject']) {
        const res = await fetch(`${s.url}${p}`);
        expect(res.status).toBe(500);
        const body = await json(res);
        expect(body.code).toBe('ODY_HTTP_INTERNAL');
        expect(JSON.stringify(body)).not.toContain('boom'); // internals stay in the logs
      }
      expect(s.lines.filter((l) => l.msg === 'request handler failed')).toHaveLength(2);
      expect(await (await fetch(`${s.url}/ok`)).text()).toBe('ok');
    });

    it('client aborting mid-body and mid-response: server stays up, nothing stays in flight', async () => {
      let bodyErrors = 0;
      let streamDestroyed = false;
      const s = await start((r) => {
        r.post('/slow-body', async (ctx) => {
          try {
            await ctx.body.raw();
          } catch {
            bodyErrors++;
          }
          return 'never';
        });
        r.get('/endless', () => {
          const src = new Readable({
            read() {
              this.push(Buffer.alloc(64 * 1024));
            },
          });
          src.on('close', () => {
            streamDestroyed = true;
          });
          return src;
        });
        r.get('/ok', () => 'ok');
      });
      server = s.server;
      const a = await connect(s.port);
      a.write('POST /slow-body HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\npartial');
      await until(() => s.server.inFlight === 1);
      a.destroy();
      await until(() => bodyErrors === 1 && s.server.inFlight === 0);

      const b = await connect(s.port);
      b.write('GET /endless HTTP/1.1\r\nhost: x\r\n\r\n');
      await readUntil(b, /200 OK/);
      b.destroy();
      await until(() => streamDestroyed && s.server.inFlight === 0);
      expect(await (await fetch(`${s.url}/ok`)).text()).toBe('ok');
    });

    it('an upload that stalls gets 408 problem+json before uWS would cut the idle connection', async () => {
      const s = await start((r) => {
        r.post('/upload', async (ctx) => (await ctx.body.raw()).byteLength);
      });
      server = s.server;
      const sock = await connect(s.port);
      sock.write('POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\npartial');
      // Default limits (requestTimeoutMs 30 s): the stall bound answers, not a bare close at ~10 s.
      const out = await readUntil(sock, /ODY_HTTP_REQUEST_TIMEOUT/, 15_000);
      expect(out).toMatch(/^HTTP\/1\.1 408 /);
      expect(out).toContain('stalled');
      sock.destroy();
    }, 30_000);

    it('aborted uploads are logged at debug and counted, never as server errors', async () => {
      const codes: unknown[] = [];
      const s = await start((r) => {
        r.post('/upload', async (ctx) => {
          try {
            return (await ctx.body.raw()).byteLength;
          } catch (err) {
            codes.push((err as { code?: unknown }).code);
            throw err;
          }
        });
      });
      server = s.server;
      for (let i = 0; i < 5; i++) {
        const a = await connect(s.port);
        a.write('POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\npartial');
        await until(() => s.server.inFlight === 1);
        a.destroy();
        await until(() => s.server.inFlight === 0);
      }
      await until(() => s.server.abortedRequests === 5);
      expect(s.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
      expect(s.lines.filter((l) => l.msg === 'request aborted by the client' && l.level === 20)).toHaveLength(5);
      // The handler awaiting the body sees a coded error.
      expect(codes).toEqual(Array(5).fill('ODY_HTTP_CLIENT_ABORTED'));
    });

    it('a body that cannot be serialised is a 500 problem+json and the process keeps serving', async () => {
      const s = await start((r) => {
        r.post('/echo', async (ctx) => ({ got: await ctx.body.json() }));
        r.get('/circular', () => {
          const o: Record<string, unknown> = {};
          o.self = o;
          return o;
        });
        r.get('/bigint', async () => ({ n: 1n }));
        r.get('/ok', () => 'ok');
      });
      server = s.server;
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      const res = await fetch(`${s.url}/echo`, { method: 'POST', body: deep, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect((await json(res)).code).toBe('ODY_HTTP_JSON_TOO_DEEP');
      for (const p of ['/circular', '/bigint']) {
        const r = await fetch(`${s.url}${p}`);
        expect(r.status).toBe(500);
        expect((await json(r)).code).toBe('ODY_HTTP_INTERNAL');
      }
      expect(await (await fetch(`${s.url}/ok`)).text()).toBe('ok');
    });

    it('CR/LF in a redirect target or header value is a 500, never a split response', async () => {
      const s = await start((r) => {
        r.get('/go', (ctx) => ctx.redirect(String(ctx.query.to)));
        r.get('/cookie', (ctx) => {
          ctx.cookies.set('c', String(ctx.query.v));
          return 'ok';
        });
      });
      server = s.server;
      const res = await fetch(`${s.url}/go?to=/home%0d%0aSet-Cookie:%20x=1`, { redirect: 'manual' });
      expect(res.status).toBe(500);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect((await json(res)).code).toBe('ODY_HTTP_HEADER_INVALID');
      expect((await fetch(`${s.url}/go?to=/home`, { redirect: 'manual' })).headers.get('location')).toBe('/home');
    });
  });

  describe('streaming responses', () => {
    it('streams a large response to a slow reader with bounded memory (backpressure)', async () => {
      const total = 256 * 1024 * 1024; // 256 MiB produced lazily
      const chunk = Buffer.alloc(64 * 1024, 120);
      let produced = 0;
      let maxAhead = 0;
      let received = 0;
      const s = await start((r) =>
        r.get('/big', () => {
          return new Readable({
            read() {
              if (produced >= total) return void this.push(null);
              produced += chunk.length;
              maxAhead = Math.max(maxAhead, produced - received);
              this.push(chunk);
            },
          });
        }),
      );
      server = s.server;
      const res = await fetch(`${s.url}/big`);
      const reader = res.body!.getReader();
      let reads = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.length;
        // a slow reader: yield to the event loop regularly so the server sees a full socket
        if (++reads % 8 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(received).toBe(total);
      // the server never ran far ahead of the client: bounded by socket + uWS buffers, not 256 MiB
      expect(maxAhead).toBeLessThan(32 * 1024 * 1024);
    }, 60_000);

    it('large bodies (sync and async handlers, keep-alive) arrive intact at a slow reader', async () => {
      const big = 'y'.repeat(3 * 1024 * 1024);
      const s = await start((r) => {
        r.get('/sync', () => big);
        r.get('/async', async () => {
          await new Promise((res) => setImmediate(res));
          return Buffer.from(big);
        });
      });
      server = s.server;
      for (const path of ['/sync', '/async', '/sync']) {
        const res = await fetch(`${s.url}${path}`);
        const reader = res.body!.getReader();
        let got = 0;
        let bad = 0;
        for (let reads = 1; ; reads++) {
          const { done, value } = await reader.read();
          if (done) break;
          got += value.length;
          for (const b of value) if (b !== 121) bad++;
          if (reads % 4 === 0) await new Promise((r) => setTimeout(r, 1));
        }
        expect({ path, got, bad }).toEqual({ path, got: big.length, bad: 0 });
      }
    });

    it('streams Web ReadableStreams and bytes', async () => {
      const s = await start((r) => {
        r.get('/web', () => new Response('web-stream-body').body);
        r.get('/bytes', () => new Uint8Array([1, 2, 3]));
      });
      server = s.server;
      expect(await (await fetch(`${s.url}/web`)).text()).toBe('web-stream-body');
      const bytes = await fetch(`${s.url}/bytes`);
      expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
      expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([1, 2, 3]);
    });
  });

  describe('graceful shutdown', () => {
    it('finishes in-flight requests, reports draining on health, then closes', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const s = await start((r) =>
        r.get('/slow', async () => {
          await gate;
          return { done: true };
        }),
      );
      const keep = await connect(s.port);
      keep.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n');
      expect(await readUntil(keep, /"status":"ok"/)).toContain('200 OK');
      const slow = fetch(`${s.url}/slow`).then((r) => r.json());
      await until(() => s.server.inFlight === 1);
      const closing = s.server.close({ timeoutMs: 10_000 });
      expect(s.server.state).toBe('draining');
      keep.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n');
      const health = await readUntil(keep, /"status":"draining"/);
      expect(health).toContain('503');
      release();
      expect(await slow).toEqual({ done: true });
      await closing;
      expect(s.server.state).toBe('closed');
      await expect(fetch(`${s.url}/slow`)).rejects.toThrow();
      keep.destroy();
    });
  });

  describe('restart on the same port', () => {
    it('a new server listens on the port of a closed one right away and serves (even after port 0)', async () => {
      const first = await start((r) => r.get('/who', () => 'first'));
      // a kept-alive client connection: closing it server-side leaves a TIME_WAIT on this port
      const keep = await connect(first.port);
      keep.write('GET /who HTTP/1.1\r\nhost: x\r\n\r\n');
      expect(await readUntil(keep, /first/)).toContain('200 OK');
      expect(await (await fetch(`${first.url}/who`)).text()).toBe('first');
      await first.server.close();
      keep.destroy();
      for (const name of ['second', 'third']) {
        const next = await start((r) => r.get('/who', () => name), { port: first.port });
        server = next.server;
        expect(next.port).toBe(first.port);
        expect(await (await fetch(`${next.url}/who`)).text()).toBe(name);
        await next.server.close();
        server = undefined;
      }
    });
  });
});
