import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { until } from '../../../../test-support/wait.js';
import { z } from '@ody/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UwsHttpServer } from '../index.js';
import { json, start } from '../fixtures/helpers.js';
import { describeEngines } from '../../../../test-support/engines.js';

let server: UwsHttpServer;
let url: string;
const seenFiles: Array<{ name: string; filename: string; bytes: number; chunks: number }> = [];


const post = (path: string, body: NonNullable<RequestInit["body"]>, type?: string) =>
  fetch(`${url}${path}`, { method: 'POST', body, headers: type ? { 'content-type': type } : {}, duplex: 'half' } as RequestInit);

describeEngines(() => {
  beforeAll(async () => {
    seenFiles.length = 0;
    const s = await start(
      (r) => {
        r.post('/json', async (ctx) => ({ got: await ctx.body.json() }));
        r.post('/text', async (ctx) => `text:${await ctx.body.text()}`);
        r.post('/form', async (ctx) => ctx.body.form());
        r.post('/raw', async (ctx) => {
          const b = await ctx.body.raw();
          return { bytes: b.length, first: b[0], last: b[b.length - 1] };
        });
        r.post('/count', async (ctx) => {
          let bytes = 0;
          for await (const c of ctx.body.stream()) bytes += (c as Buffer).length;
          return { bytes };
        });
        r.post('/late-reader', async (ctx) => {
          // The stream exists before the body arrives, and nobody reads it until the whole body is in:
          // its buffer is full when the last chunk comes.
          const stream = ctx.body.stream();
          await new Promise((r) => setTimeout(r, 100));
          let bytes = 0;
          for await (const c of stream) bytes += (c as Buffer).length;
          return { bytes };
        });
        r.post('/slow-consumer', { maxBodyBytes: 32 * 1024 * 1024 }, async (ctx) => {
          const stream = ctx.body.stream();
          let bytes = 0;
          let maxBuffered = 0;
          for await (const c of stream) {
            bytes += (c as Buffer).length;
            // the iterator hands over everything buffered at once: a chunk's size is what piled up
            maxBuffered = Math.max(maxBuffered, (c as Buffer).length + stream.readableLength);
            await new Promise((r) => setTimeout(r, 5)); // a consumer slower than loopback
          }
          return { bytes, maxBuffered };
        });
        r.post('/upload', { maxBodyBytes: 64 * 1024 * 1024 }, async (ctx) => {
          const fields: Record<string, string> = {};
          for await (const part of ctx.body.multipart()) {
            if (part.kind === 'field') fields[part.name] = part.value;
            else {
              let bytes = 0;
              let chunks = 0;
              for await (const c of part.stream) {
                bytes += (c as Buffer).length;
                chunks++;
              }
              seenFiles.push({ name: part.name, filename: part.filename, bytes, chunks });
            }
          }
          return { fields, files: seenFiles.length };
        });
        r.post('/users', { body: z.object({ name: z.string().min(2), age: z.number().int() }), query: z.object({ dry: z.enum(['yes', 'no']) }) }, (ctx) => ({
          created: ctx.valid.body,
        }));
        r.post('/any', async (ctx) => ({ parsed: await ctx.body.parsed() }));
      },
      { limits: { maxBodyBytes: 16 * 1024 * 1024 } },
    );
    server = s.server;
    url = s.url;
  });
  afterAll(() => server.close());

  describe('request bodies', () => {
    it('reads JSON, text, urlencoded and raw bodies', async () => {
      expect(await (await post('/json', '{"a":[1,2]}', 'application/json')).json()).toEqual({ got: { a: [1, 2] } });
      expect(await (await post('/text', 'héllo', 'text/plain')).text()).toBe('text:héllo');
      expect(await (await post('/form', 'a=1&b=2&a=3', 'application/x-www-form-urlencoded')).json()).toEqual({ a: ['1', '3'], b: '2' });
      const bytes = Buffer.alloc(300_000, 7);
      bytes[0] = 1;
      bytes[bytes.length - 1] = 9;
      expect(await (await post('/raw', bytes, 'application/octet-stream')).json()).toEqual({ bytes: 300_000, first: 1, last: 9 });
    });

    it('reads a large chunked upload (no content-length) as a stream', async () => {
      const chunk = Buffer.alloc(64 * 1024, 1);
      const total = 160; // 10 MiB
      let i = 0;
      const source = new Readable({
        read() {
          this.push(i++ < total ? chunk : null);
        },
      });
      const res = await post('/count', Readable.toWeb(source) as unknown as NonNullable<RequestInit["body"]>, 'application/octet-stream');
      expect(await json(res)).toEqual({ bytes: total * chunk.length });
    });

    it('pauses the upload while a body stream consumer is behind (bounded buffering)', async () => {
      const total = 16 * 1024 * 1024;
      const res = await fetch(`${url}/slow-consumer`, { method: 'POST', body: Buffer.alloc(total, 7) });
      const out = (await res.json()) as { bytes: number; maxBuffered: number };
      expect(out.bytes).toBe(total);
      // without res.pause() the whole upload lands in the stream buffer at loopback speed
      expect(out.maxBuffered).toBeLessThan(2 * 1024 * 1024); // uWS hands over at most 512 KiB per chunk
      expect(await (await fetch(`${url}/json`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } })).json()).toEqual({ got: { a: 1 } });
    });

    it('a keep-alive connection whose body stream was full at the last chunk reads its next request', async () => {
      // Two requests on one socket: the first body (200 KB, above the stream's 64 KB mark) lands while
      // the handler is not reading; the second request must be answered, not stall until uWS's idle close.
      const { port } = new URL(url);
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      await new Promise((r) => socket.once('connect', r));
      const body = Buffer.alloc(200_000, 3);
      socket.write(`POST /late-reader HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.write(body);
      await until('the first answer', () => received.includes('{"bytes":200000}'), { timeoutMs: 5_000 });
      socket.write('POST /json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":2}');
      await until('the second answer on the same connection', () => received.includes('{"got":{"a":2}}'), { timeoutMs: 5_000 });
      socket.destroy();
    });

    it('streams multipart file parts through busboy', async () => {
      const form = new FormData();
      form.append('title', 'holiday');
      form.append('photo', new Blob([Buffer.alloc(3 * 1024 * 1024, 2)]), 'beach.jpg');
      form.append('note', new Blob(['hello']), 'note.txt');
      const res = await fetch(`${url}/upload`, { method: 'POST', body: form });
      expect(await json(res)).toEqual({ fields: { title: 'holiday' }, files: 2 });
      expect(seenFiles[0]).toMatchObject({ name: 'photo', filename: 'beach.jpg', bytes: 3 * 1024 * 1024 });
      expect(seenFiles[0]!.chunks).toBeGreaterThan(1); // arrived in pieces, not one buffer
      expect(seenFiles[1]).toMatchObject({ name: 'note', filename: 'note.txt', bytes: 5 });
    });

    it('answers malformed JSON with 400 and unsupported media types with 415', async () => {
      const bad = await post('/json', '{"a":', 'application/json');
      expect(bad.status).toBe(400);
      expect((await json(bad)).code).toBe('ODY_HTTP_MALFORMED_JSON');
      const wrong = await post('/json', '<a/>', 'application/xml');
      expect(wrong.status).toBe(415);
      expect((await json(wrong)).code).toBe('ODY_HTTP_UNSUPPORTED_MEDIA_TYPE');
      const any = await post('/any', 'x', 'application/x-unknown');
      expect(any.status).toBe(415);
    });

    it('validates body and query with zod: 400 problem+json listing each bad field', async () => {
      const res = await post('/users?dry=maybe', JSON.stringify({ name: 'x', age: 1.5 }), 'application/json');
      expect(res.status).toBe(400);
      const problem = await json(res);
      expect(problem.code).toBe('ODY_HTTP_VALIDATION');
      expect(problem.status).toBe(400);
      const fields = problem.errors.map((e: { location: string; path: string }) => `${e.location}:${e.path}`).sort();
      expect(fields).toEqual(['body:age', 'body:name', 'query:dry']);
      const ok = await post('/users?dry=no', JSON.stringify({ name: 'Ann', age: 3 }), 'application/json');
      expect(await json(ok)).toEqual({ created: { name: 'Ann', age: 3 } });
    });
  });
});
