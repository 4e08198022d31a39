import type { IncomingMessage } from 'node:http';

/**
 * A uWS-shaped request over a node:http IncomingMessage: the path and query split once, headers
 * read from rawHeaders (each occurrence separately, lower-case names, like uWS's forEach).
 */
export class NodeRequest {
  constructor(
    readonly raw: IncomingMessage,
    private readonly path: string,
    private readonly query: string | undefined,
    private params: string[],
  ) {}

  /** @internal set by the router once matched. */
  setParams(params: string[]): void {
    this.params = params;
  }
  getUrl(): string {
    return this.path;
  }
  getQuery(): string | undefined {
    return this.query;
  }
  getMethod(): string {
    return (this.raw.method ?? 'GET').toLowerCase();
  }
  getCaseSensitiveMethod(): string {
    return this.raw.method ?? 'GET';
  }
  getParameter(i: number): string {
    return this.params[i] ?? '';
  }
  getHeader(name: string): string {
    const v = this.raw.headers[name];
    return Array.isArray(v) ? v.join(', ') : (v ?? '');
  }
  forEach(cb: (key: string, value: string) => void): void {
    const h = this.raw.rawHeaders;
    for (let i = 0; i < h.length; i += 2) cb(h[i]!.toLowerCase(), h[i + 1]!);
  }
  setYield(): this {
    return this;
  }
}

/** Split a request target into path and query (uWS: getUrl() without the query, getQuery() after '?'). */
export function splitTarget(url: string): { path: string; query: string | undefined } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: undefined } : { path: url.slice(0, q), query: url.slice(q + 1) };
}
