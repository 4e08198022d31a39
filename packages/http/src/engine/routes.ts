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

/**
 * Routing for the engines that are not uWS (node, inject), with uWS's rules: static segments win
 * over `:params`, which win over `*`; a method's own route wins over `any`. Static paths are one
 * Map lookup; patterns are tried in priority order.
 */
export class RouteTable {
  private readonly exact = new Map<string, EngineHandler>();
  private readonly dynamic: DynamicRoute[] = [];

  add(method: MethodKey, pattern: string, handler: EngineHandler): void {
    const segments = pattern.split('/').slice(1);
    const rank = segments.map((s) => (s === '*' ? 2 : s.startsWith(':') ? 1 : 0));
    if (rank.every((r) => r === 0)) {
      this.exact.set(`${method} ${pattern}`, handler);
      return;
    }
    this.dynamic.push({ method, segments, handler, rank });
    this.dynamic.sort((a, b) => compareRank(a.rank, b.rank) || (a.method === 'any' ? 1 : 0) - (b.method === 'any' ? 1 : 0));
  }

  match(method: string, path: string): RouteMatch | undefined {
    const key = methodKey(method);
    const hit = this.exact.get(`${key} ${path}`) ?? this.exact.get(`any ${path}`);
    if (hit !== undefined) return { handler: hit, params: [] };
    if (this.dynamic.length === 0) return undefined;
    const parts = path.split('/').slice(1);
    for (const r of this.dynamic) {
      if (r.method !== key && r.method !== 'any') continue;
      const params = matchSegments(r.segments, parts);
      if (params !== undefined) return { handler: r.handler, params };
    }
    return undefined;
  }
}

function matchSegments(segments: string[], parts: string[]): string[] | undefined {
  const params: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const part = parts[i];
    // Like uWS: `/files/*` needs the slash (`/files/` matches, `/files` does not).
    if (seg === '*') return part === undefined ? undefined : params;
    if (part === undefined) return undefined;
    if (seg.startsWith(':')) {
      if (part === '') return undefined;
      params.push(part);
    } else if (seg !== part) return undefined;
  }
  return parts.length === segments.length ? params : undefined;
}
