// Property-based fuzz of the router (fast-check): random route sets and request paths go through
// server.inject(), i.e. the route table the node engine and inject share, the param decoding and the
// miss pipeline. Seed and run count: test-support/fuzz.ts (a failure names its seed).
import { OdyError } from '@ody/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzParams } from '../../../../test-support/fuzz.js';
import { createServer, HttpError, type OdyHttpServer } from '../index.js';
import { memoryLogger } from '../fixtures/helpers.js';

/** A route segment: static word, named param or (last only) wildcard. */
type Seg = { kind: 'static'; text: string } | { kind: 'param' } | { kind: 'wild' };

// Static words use [a-m]; every generated param value carries a character outside it, so a concrete
// path built for a param can only collide with another route through params and wildcards.
const staticWord = fc.stringMatching(/^[a-m]{1,3}$/);
const segment: fc.Arbitrary<Seg> = fc.oneof(
  { weight: 3, arbitrary: staticWord.map((text) => ({ kind: 'static' as const, text })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'param' as const }) },
);
const routeShape = fc
  .tuple(fc.array(segment, { minLength: 0, maxLength: 4 }), fc.boolean())
  .map(([segs, wild]) => (wild || segs.length === 0 ? [...segs, { kind: 'wild' as const }] : segs));

function patternOf(segs: Seg[]): string {
  let p = 0;
  return `/${segs.map((s) => (s.kind === 'static' ? s.text : s.kind === 'param' ? `:p${p++}` : '*')).join('/')}`;
}

const shapeOf = (segs: Seg[]) => segs.map((s) => (s.kind === 'static' ? s.text : s.kind === 'param' ? ':' : '*')).join('/');

/** Rank per segment as uWS orders routes: static 0 < param 1 < wildcard 2. */
const rankOf = (segs: Seg[]) => segs.map((s) => (s.kind === 'static' ? 0 : s.kind === 'param' ? 1 : 2));

/** Does `segs` match these raw path parts (the spec: static equal, param non-empty, `*` anything)? */
function matches(segs: Seg[], parts: string[]): boolean {
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    // `*` needs its slash: `/f` does not match `/f/*`, `/f/` does (uWS's rule, on every engine).
    if (s.kind === 'wild') return parts.length > i;
    const part = parts[i];
    if (part === undefined) return false;
    if (s.kind === 'static' && s.text !== part) return false;
    if (s.kind === 'param' && part === '') return false;
  }
  return parts.length === segs.length;
}

/** a before b when a is more specific at the first segment where they differ (uWS's priority). */
function moreSpecific(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length > b.length;
}

// A param value: any text with at least one character outside [a-m] (see staticWord).
const paramValue = fc.tuple(fc.string({ maxLength: 6, unit: 'grapheme' }), fc.constantFrom('Z', '~', 'é', ' ', '/', '%', '?', '#'))
  .map(([s, marker]) => `${s}${marker}`);
const wildValue = fc.array(fc.string({ maxLength: 5, unit: 'grapheme' }), { maxLength: 3 });

const servers: OdyHttpServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function serverWith(routes: Seg[][]): OdyHttpServer {
  const server = createServer({ logger: memoryLogger().logger });
  servers.push(server);
  routes.forEach((segs, id) => {
    server.router.get(patternOf(segs), (ctx) => ({ id, params: { ...ctx.params } }));
  });
  return server;
}

describe('router fuzz', () => {
  it('a registered path reaches its route (or a more specific one) with its params decoded', async () => {
    const scenario = fc
      .uniqueArray(routeShape, { minLength: 1, maxLength: 6, selector: shapeOf })
      .chain((routes) =>
        fc.tuple(
          fc.constant(routes),
          fc.nat({ max: routes.length - 1 }),
          fc.array(paramValue, { minLength: 4, maxLength: 4 }),
          wildValue,
          fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
        ),
      );
    let exact = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ([routes, pick, values, wild, query]) => {
        const server = serverWith(routes);
        const segs = routes[pick]!;
        const expected: Record<string, string> = {};
        let p = 0;
        const parts: string[] = [];
        for (const s of segs) {
          if (s.kind === 'static') parts.push(s.text);
          else if (s.kind === 'param') {
            const v = values[p]!;
            expected[`p${p++}`] = v;
            parts.push(encodeURIComponent(v));
          } else {
            const raw = wild.map(encodeURIComponent);
            parts.push(...(raw.length > 0 ? raw : ['']));
            expected['*'] = decodeURIComponent(raw.join('/'));
          }
        }
        const path = `/${parts.join('/')}`;
        const url = query === undefined ? path : `${path}?${encodeURIComponent(query)}`;
        const res = await server.inject({ url });
        expect(res.statusCode, `${url} on ${routes.map(patternOf).join(' ')}`).toBe(200);
        const body = res.json<{ id: number; params: Record<string, string> }>();
        const rawParts = path.split('/').slice(1);
        if (body.id === pick) {
          exact++;
          expect(body.params).toEqual(expected);
        } else {
          // Another route answered: it must match the path too and be more specific.
          const winner = routes[body.id]!;
          expect(matches(winner, rawParts), `${patternOf(winner)} answered ${url}`).toBe(true);
          expect(moreSpecific(rankOf(winner), rankOf(segs)), `${patternOf(winner)} beat ${patternOf(segs)} on ${url}`).toBe(true);
        }
        servers.splice(servers.indexOf(server), 1);
        await server.close();
      }),
      fuzzParams(150),
    );
    // The property is about the picked route most of the time, not only about its rivals.
    expect(exact).toBeGreaterThan(75);
  });

  it('any route definition registers or throws ODY_HTTP_ROUTE_INVALID, nothing else', () => {
    const piece = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(':', '*', ':a', ':a', '/', '//', ':1x', '*x', ':$'));
    const server = serverWith([]);
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 5 }), fc.boolean(), (pieces, slash) => {
        const path = `${slash ? '/' : ''}${pieces.join('/')}`;
        try {
          server.router.get(path, () => 'ok');
          accepted++;
        } catch (err) {
          expect(err).toBeInstanceOf(HttpError);
          expect(OdyError.is(err, 'ODY_HTTP_ROUTE_INVALID'), String(err)).toBe(true);
        }
      }),
      fuzzParams(400),
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('any request target gets 200, 400, 404 or 405 as problem+json, never a 500 or a rejected inject', async () => {
    const server = serverWith([
      [{ kind: 'static', text: 'a' }, { kind: 'param' }],
      [{ kind: 'static', text: 'a' }, { kind: 'static', text: 'b' }],
      [{ kind: 'param' }, { kind: 'static', text: 'c' }, { kind: 'wild' }],
      [{ kind: 'static', text: 'f' }, { kind: 'wild' }],
      [{ kind: 'static', text: 'g' }, { kind: 'param' }, { kind: 'wild' }],
    ]);
    server.router.post('/a/:p0', () => 'posted');
    const piece = fc.oneof(
      fc.string({ maxLength: 6, unit: 'binary' }),
      fc.constantFrom('a', 'b', 'c', 'f', 'g', '%', '%E0%A4%A', '%ZZ', '%00', '%2F', '..', '.', '', '?', '#', '%u0041'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 5 }), fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE', 'PATCH'), async (pieces, method) => {
        const url = `/${pieces.join('/')}`;
        const res = await server.inject({ method, url });
        expect([200, 204, 400, 404, 405], `${method} ${JSON.stringify(url)} → ${res.statusCode} ${res.body}`).toContain(res.statusCode);
        if (res.statusCode >= 400 && method !== 'HEAD') {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.json<{ code: string }>().code).toMatch(/^ODY_HTTP_(BAD_REQUEST|NOT_FOUND|METHOD_NOT_ALLOWED)$/);
        }
        // A 405 never lists the request's own method as allowed (the miss and the routes agree).
        if (res.statusCode === 405) {
          expect(String(res.headers.allow).split(', '), `${method} ${JSON.stringify(url)}`).not.toContain(method);
        }
      }),
      fuzzParams(300),
    );
  });
});
