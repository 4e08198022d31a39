import type { EngineHandler } from './types.js';

/** uWS method keys as the server registers them. */
export type MethodKey = 'get' | 'post' | 'put' | 'patch' | 'del' | 'head' | 'options' | 'any';

interface DynamicRoute {
  method: MethodKey;
  segments: string[];
  handler: EngineHandler;
  /** Per segment: 0 static, 1 param, 2 wildcard (lower sorts first, like uWS's priority). */
  rank: number[];
}

/** A matched route: its handler and the raw (still percent-encoded) param values in order. */
export interface RouteMatch {
  handler: EngineHandler;
  params: string[];
}

const methodKeys: Record<string, MethodKey> = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'del', HEAD: 'head', OPTIONS: 'options' };

/** The uWS method key of an upper-case request method (`any` for methods without a key). */
export function methodKey(method: string): MethodKey {
  return methodKeys[method] ?? 'any';
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return b.length - a.length;
}

const NO_PARAMS: string[] = [];

/**
 * Routing for the engines that are not uWS (node, inject), with uWS's rules: static segments win
 * over `:params`, which win over `*`; a method's own route wins over `any`. Static paths are one
 * Map lookup (per method, no key string built per request); patterns are kept per method, already
 * merged with the `any` ones in priority order, and matched by walking the path (no split).
 */
export class RouteTable {
  private readonly exact = new Map<MethodKey, Map<string, EngineHandler>>();
  private readonly anyExact = new Map<string, EngineHandler>();
  private readonly dynamic: DynamicRoute[] = [];
  /** Per method key: the dynamic routes that apply to it (its own and `any`), in priority order. */
  private readonly byMethod = new Map<MethodKey, DynamicRoute[]>();

  add(method: MethodKey, pattern: string, handler: EngineHandler): void {
    const segments = pattern.split('/').slice(1);
    const rank = segments.map((s) => (s === '*' ? 2 : s.startsWith(':') ? 1 : 0));
    if (rank.every((r) => r === 0)) {
      if (method === 'any') this.anyExact.set(pattern, handler);
      else {
        let m = this.exact.get(method);
        if (m === undefined) {
          m = new Map();
          this.exact.set(method, m);
        }
        m.set(pattern, handler);
      }
      return;
    }
    this.dynamic.push({ method, segments, handler, rank });
    this.dynamic.sort((a, b) => compareRank(a.rank, b.rank) || (a.method === 'any' ? 1 : 0) - (b.method === 'any' ? 1 : 0));
    this.byMethod.clear();
  }

  match(method: string, path: string): RouteMatch | undefined {
    return this.matchKey(methodKey(method), path);
  }

  /** Like match, with the method already as its uWS key. */
  matchKey(key: MethodKey, path: string): RouteMatch | undefined {
    const hit = this.exact.get(key)?.get(path) ?? this.anyExact.get(path);
    if (hit !== undefined) return { handler: hit, params: NO_PARAMS };
    if (this.dynamic.length === 0) return undefined;
    let routes = this.byMethod.get(key);
    if (routes === undefined) {
      routes = this.dynamic.filter((r) => r.method === key || r.method === 'any');
      this.byMethod.set(key, routes);
    }
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i]!;
      const params = matchPath(r.segments, path);
      if (params !== undefined) return { handler: r.handler, params };
    }
    return undefined;
  }
}

/** Match `path` (starting with '/') against pattern segments, walking the string; the raw params or undefined. */
function matchPath(segments: string[], path: string): string[] | undefined {
  let params: string[] | undefined;
  let pos = 1; // after the leading '/'
  const n = path.length;
  for (let i = 0; i < segments.length; i++) {
    // The part for this segment is path[pos, end); pos > n means there is no such part.
    if (pos > n) return undefined;
    const seg = segments[i]!;
    // Like uWS: `/files/*` needs the slash (`/files/` matches, `/files` does not).
    if (seg === '*') return params ?? NO_PARAMS;
    let end = path.indexOf('/', pos);
    if (end < 0) end = n;
    if (seg.charCodeAt(0) === 58 /* ':' */) {
      if (end === pos) return undefined;
      params ??= [];
      params.push(path.slice(pos, end));
    } else if (seg.length !== end - pos || !path.startsWith(seg, pos)) return undefined;
    pos = end + 1;
  }
  return pos > n ? (params ?? NO_PARAMS) : undefined;
}
