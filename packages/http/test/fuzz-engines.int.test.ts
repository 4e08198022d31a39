// Differential fuzz (fast-check) of routing over real sockets: a random route set is served by the
// engine (uWS's own router on `uws`, Ody's route table on `node`) and by server.inject(); every
// random request target must get the same status and body from both. Seed: test-support/fuzz.ts.
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

/** One request over a socket, the target sent byte for byte (no URL normalisation, unlike fetch). */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
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
        fc.asyncProperty(fc.uniqueArray(route, { minLength: 1, maxLength: 5 }), fc.array(target, { minLength: 1, maxLength: 8 }), async (routes, targets) => {
          const server = createServer({ config: { host: '127.0.0.1', port: 0 }, logger: memoryLogger().logger });
          try {
            for (const [id, pattern] of routes.entries()) {
              try {
                server.router.get(pattern, (ctx) => ({ id, params: { ...ctx.params } }));
              } catch {
                // Same shape registered twice (`/a/:p0` vs `/a/*`-free duplicates): the router refuses it.
              }
            }
            const port = await server.listen();
            for (const path of targets) {
              const wire = await get(port, path);
              const injected = await server.inject({ url: path });
              const what = `${engine} GET ${path} on ${routes.join(' ')}`;
              expect({ status: wire.status, body: wire.body }, what).toEqual({ status: injected.statusCode, body: injected.body });
            }
          } finally {
            await server.close();
          }
        }),
        fuzzParams(30),
      );
    });
  });
});
