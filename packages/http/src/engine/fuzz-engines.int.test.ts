// Differential fuzz (fast-check) of routing over real sockets: a random route set (random methods)
// is served by the engine (uWS's own router on `uws`, Ody's route table on `node`) and by
// server.inject(); every random request (method and target) must get the same status, body (route,
// params and query as the handler saw them) and Allow header from both. Seed: test-support/fuzz.ts.
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEngines } from '../../../../test-support/engines.js';
import { fuzzParams } from '../../../../test-support/fuzz.js';
import { createServer } from '../index.js';
import { memoryLogger } from '../fixtures/helpers.js';

const word = fc.constantFrom('a', 'b', 'ab', 'users', 'x-y');
const segment = fc.oneof({ weight: 3, arbitrary: word }, { weight: 2, arbitrary: fc.constant(':') });
const route = fc
  .tuple(fc.array(segment, { maxLength: 3 }), fc.boolean())
  .map(([segs, wild]) => {
    let p = 0;
    const parts = segs.map((s) => (s === ':' ? `:p${p++}` : s));
    return `/${[...parts, ...(wild ? ['*'] : [])].join('/')}`;
  });
// Request path pieces: route words, other text, encodings (valid and not), empty segments.
const piece = fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~-]{1,4}$/) },
  { weight: 1, arbitrary: fc.constantFrom('', '%20', '%2F', '%C3%A9', '%E0%A4%A', '%ZZ', '%', '..', '.') },
);
const target = fc.tuple(fc.array(piece, { maxLength: 5 }), fc.boolean(), fc.option(fc.stringMatching(/^([a-z0-9=&+]|%[0-9A-F]{2}|%)*$/).map((q) => q.slice(0, 16)), { nil: undefined })).map(
  ([pieces, trailing, query]) => `/${pieces.join('/')}${trailing ? '/' : ''}${query === undefined ? '' : `?${query}`}`,
);

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
afterAll(() => agent.destroy());

const routeMethod = fc.constantFrom('GET', 'POST', 'DELETE') as fc.Arbitrary<'GET' | 'POST' | 'DELETE'>;
const requestMethod = fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE', 'PUT');

interface Answer {
  status: number;
  body: string;
  allow: string | undefined;
}

/**
 * One request over a socket, the target sent byte for byte (no URL normalisation, unlike fetch). A
 * body goes out in the given pieces: with content-length when `sized`, else chunked.
 */
function send(port: number, method: string, path: string, body?: { headers: Record<string, string>; pieces: Buffer[]; sized: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...body?.headers };
    if (body?.sized) headers['content-length'] = String(Buffer.concat(body.pieces).length);
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, timeout: 5000, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, allow: res.headers.allow }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer for ${path}`)));
    req.on('error', reject);
    for (const piece of body?.pieces ?? []) req.write(piece);
    req.end();
  });
}

// Request bodies: every content type the body reader knows (and some it does not), with text that
// is valid for it, almost valid, or noise.
const bodyCase = fc.record({
  type: fc.constantFrom('application/json', 'application/problem+json', 'application/x-www-form-urlencoded', 'text/plain', 'text/csv; charset=utf-8', 'application/octet-stream', '', 'application/xml', 'multipart/form-data; boundary=XyZ', 'multipart/form-data'),
  text: fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.json({ maxDepth: 2 }).map((j) => j.slice(0, -1)),
    fc.array(fc.tuple(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })), { maxLength: 4 }).map((p) => new URLSearchParams(p).toString()),
    fc.constant('--XyZ\r\ncontent-disposition: form-data; name="a"\r\n\r\nvalue\r\n--XyZ--\r\n'),
    fc.constant('--XyZ\r\ncontent-disposition: form-data; name="a"\r\n\r\nvalue'),
    fc.string({ maxLength: 40, unit: 'binary' }),
  ),
  cuts: fc.array(fc.nat(), { maxLength: 3 }),
  sized: fc.boolean(),
});

/** The handler's view of a body, as JSON: bytes as base64, errors as their problem answer. */
async function parsedBody(ctx: { body: { type: string; parsed(): Promise<unknown> } }): Promise<unknown> {
  const value = await ctx.body.parsed();
  return { type: ctx.body.type, value: Buffer.isBuffer(value) ? { bytes: value.toString('base64') } : value === undefined ? null : value };
}

describeEngines((engine) => {
  describe('routing fuzz: engine vs inject', () => {
    it(`${engine} routes every target like server.inject() does`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(routeMethod, route), { minLength: 1, maxLength: 5 }),
          fc.array(fc.tuple(requestMethod, target), { minLength: 1, maxLength: 8 }),
          async (routes, targets) => {
          const server = createServer({ config: { host: '127.0.0.1', port: 0 }, logger: memoryLogger().logger });
          try {
            for (const [id, [method, pattern]] of routes.entries()) {
              try {
                server.router.route(method, pattern, (ctx) => ({ id, params: { ...ctx.params }, query: { ...ctx.query } }));
              } catch {
                // The same method and shape twice (`/a/:p0` and `/a/:p1`): the router refuses it.
              }
            }
            const port = await server.listen();
            for (const [method, path] of targets) {
              const wire = await send(port, method, path);
              const injected = await server.inject({ method, url: path });
              const what = `${engine} ${method} ${path} on ${routes.map((r) => r.join(' ')).join(', ')}`;
              expect(wire, what).toEqual({ status: injected.statusCode, body: injected.body, allow: injected.headers.allow });
            }
          } finally {
            await server.close();
          }
        },
        ),
        fuzzParams(30),
      );
    });
  });
});

describeEngines((engine) => {
  describe('body fuzz: engine vs inject', () => {
    it(`${engine} reads every body (sized or chunked, in pieces) like server.inject() does`, async () => {
      const server = createServer({ config: { host: '127.0.0.1', port: 0 }, logger: memoryLogger().logger });
      server.router.post('/body', parsedBody);
      const port = await server.listen();
      const statuses = new Set<number>();
      try {
        await fc.assert(
          fc.asyncProperty(bodyCase, async ({ type, text, cuts, sized }) => {
            const bytes = Buffer.from(text);
            const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
            const pieces = [0, ...at].map((from, i) => bytes.subarray(from, [...at, bytes.length][i])).filter((p) => p.length > 0);
            const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
            const wire = await send(port, 'POST', '/body', { headers, pieces, sized });
            const injected = await server.inject({ method: 'POST', url: '/body', headers, body: bytes });
            expect(wire, `${engine} POST ${type} ${JSON.stringify(text)} in ${pieces.length} pieces, ${sized ? 'sized' : 'chunked'}`).toEqual({
              status: injected.statusCode,
              body: injected.body,
              allow: injected.headers.allow,
            });
            statuses.add(wire.status);
          }),
          fuzzParams(120),
        );
        // Parsed bodies, malformed ones and unsupported types all occurred.
        expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400, 415]));
      } finally {
        await server.close();
      }
    });
  });
});
