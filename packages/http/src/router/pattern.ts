import { HttpServerError } from '../errors.js';

/** A parsed route path. */
export interface RoutePattern {
  /** Normalised path as given (e.g. `/users/:id`). */
  path: string;
  /** Param names in order (`*` for a trailing wildcard). */
  params: string[];
  /** Path with param names erased: two patterns with the same shape collide. */
  shape: string;
  segments: string[];
  wildcard: boolean;
  /** Every param name set to '': a request copies it and fills it in, so its params share one shape. */
  paramTemplate: Record<string, string>;
}

/** Join a group prefix and a route path into one normalised path. */
export function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
}

/** Parse and check a route path: `/users/:id`, `/files/*` (wildcard only as last segment). */
export function parsePattern(path: string): RoutePattern {
  if (!path.startsWith('/')) {
    throw new HttpServerError('ODY_HTTP_ROUTE_INVALID', `Route path '${path}' must start with '/'.`, { details: { path } });
  }
  const segments = path.split('/').slice(1);
  const params: string[] = [];
  let wildcard = false;
  segments.forEach((seg, i) => {
    if (seg === '*') {
      if (i !== segments.length - 1) {
        throw new HttpServerError('ODY_HTTP_ROUTE_INVALID', `Route '${path}': '*' is only allowed as the last segment.`, {
          details: { path },
        });
      }
      wildcard = true;
      params.push('*');
    } else if (seg.startsWith(':')) {
      const name = seg.slice(1);
      if (!/^[A-Za-z_$][\w$]*$/.test(name) || params.includes(name)) {
        throw new HttpServerError('ODY_HTTP_ROUTE_INVALID', `Route '${path}': bad or repeated param name '${seg}'.`, {
          details: { path },
        });
      }
      params.push(name);
    } else if (seg.includes('*') || seg.includes(':')) {
      throw new HttpServerError('ODY_HTTP_ROUTE_INVALID', `Route '${path}': segment '${seg}' mixes text with ':' or '*'.`, {
        details: { path },
      });
    }
  });
  const shape = segments.map((s) => (s.startsWith(':') ? ':' : s)).join('/');
  const paramTemplate: Record<string, string> = {};
  for (const name of params) paramTemplate[name] = '';
  return { path, params, shape, segments, wildcard, paramTemplate };
}

/** Match a URL path against a pattern (used for 405 detection; uWS does the hot-path routing). */
export function matchPattern(pattern: RoutePattern, url: string): boolean {
  const parts = url.split('/').slice(1);
  const segs = pattern.segments;
  // The same rules as the engines' routers: `*` needs its slash (`/files` does not match `/files/*`)
  // and a param never matches an empty segment. Otherwise a miss would answer a 405 that lists the
  // request's own method as allowed.
  if (pattern.wildcard) {
    if (parts.length < segs.length) return false;
  } else if (parts.length !== segs.length) return false;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg === '*') return true;
    if (seg.startsWith(':')) {
      if (parts[i] === '') return false;
      continue;
    }
    if (seg !== parts[i]) return false;
  }
  return true;
}

/** The wildcard part of a URL for a pattern ending in `*` (without the leading slash). */
export function wildcardValue(pattern: RoutePattern, url: string): string {
  const fixed = pattern.segments.length - 1;
  return url.split('/').slice(1 + fixed).join('/');
}
