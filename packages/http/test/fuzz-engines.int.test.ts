// Differential fuzz (fast-check) of routing over real sockets: a random route set (random methods)
// is served by the engine (uWS's own router on `uws`, Ody's route table on `node`) and by
// server.inject(); every random request (method and target) must get the same status, body and
// Allow header from both. Seed: test-support/fuzz.ts.
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEngines } from '../../../test-support/engines.js';
import { fuzzParams } from '../../../test-support/fuzz.js';
import { createServer } from '../src/index.js';
import { memoryLogger } from './helpers.js';

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
const target = fc.tuple(fc.array(piece, { maxLength: 5 }), fc.boolean(), fc.option(fc.stringMatching(/^[a-z0-9=&%]{0,8}$/), { nil: undefined })).map(
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

/** One request over a socket, the target sent byte for byte (no URL normalisation, unlike fetch). */
function send(port: number, method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, allow: res.headers.allow }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer for ${path}`)));
    req.on('error', reject);
    req.end();
  });
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
                server.router.route(method, pattern, (ctx) => ({ id, params: { ...ctx.params } }));
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
