import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { HttpContext } from '../context/context.js';
import { HttpError, NotFoundError } from '../errors.js';
import type { Handler } from '../types.js';
import { contentTypeFor } from './content-types.js';

/** Options of serveStatic(). */
export interface StaticOptions {
  /** File served for a directory. Default `index.html`; false to disable. */
  index?: string | false;
  /** Cache-Control max-age in seconds. Default 0. */
  maxAge?: number;
  /** Serve dotfiles. Default false (404). */
  dotfiles?: boolean;
}

function parseRange(header: string, size: number): { start: number; end: number } | 'invalid' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null) return undefined; // multi-range or other units: ignore, send the whole file
  const [, a, b] = m;
  if (a === '' && b === '') return 'invalid';
  let start: number;
  let end: number;
  if (a === '') {
    start = Math.max(0, size - Number(b));
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

/**
 * A handler serving files under `root` for a wildcard route: `router.get('/assets/*', serveStatic(dir))`.
 * Paths resolving outside `root` (`..`, encoded or not) are 404, and so is a symlink inside `root`
 * whose real path leaves it (checked with realpath; the real file is what gets served);
 * ETag/If-None-Match give 304;
 * single `Range` requests give 206 (416 when unsatisfiable); files stream with backpressure.
 */
export function serveStatic(root: string, options: StaticOptions = {}): Handler {
  const base = resolve(root);
  const index = options.index ?? 'index.html';
  const cacheControl = `public, max-age=${options.maxAge ?? 0}`;
  let realBase: Promise<string> | undefined;
  /** The real path of `file` when it stays under the real root; undefined otherwise (404). */
  const confine = async (file: string): Promise<string | undefined> => {
    realBase ??= realpath(base).catch(() => base);
    const [root, real] = await Promise.all([realBase, realpath(file).catch(() => undefined)]);
    if (real === undefined) return undefined;
    return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep) ? real : undefined;
  };
  return async (ctx: HttpContext) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw new NotFoundError();
    const rel = ctx.params['*'] ?? ctx.path;
    if (rel.includes('\0') || rel.includes('\\')) throw new NotFoundError();
    let file = resolve(base, `./${rel}`);
    if (file !== base && !file.startsWith(base + sep)) throw new NotFoundError();
    if (!options.dotfiles && file.slice(base.length).split(sep).some((p) => p.startsWith('.'))) throw new NotFoundError();
    let real = await confine(file);
    let info = real === undefined ? undefined : await stat(real).catch(() => undefined);
    if (info?.isDirectory() && index !== false) {
      file = resolve(file, index);
      real = await confine(file);
      info = real === undefined ? undefined : await stat(real).catch(() => undefined);
    }
    if (real === undefined || info === undefined || !info.isFile()) throw new NotFoundError(`No file at ${ctx.path}.`);
    file = real;
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    ctx.header('etag', etag);
    ctx.header('last-modified', info.mtime.toUTCString());
    ctx.header('cache-control', cacheControl);
    ctx.header('accept-ranges', 'bytes');
    ctx.header('content-type', contentTypeFor(extname(file)));
    const inm = ctx.headers['if-none-match'];
    if (inm?.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      ctx.status(304);
      return undefined;
    }
    let start = 0;
    let end = info.size - 1;
    const rangeHeader = ctx.headers.range;
    if (rangeHeader !== undefined && info.size > 0) {
      const range = parseRange(rangeHeader, info.size);
      if (range === 'invalid') {
        throw new HttpError(416, 'ODY_HTTP_RANGE_NOT_SATISFIABLE', `Range '${rangeHeader}' is outside the file (${info.size} bytes).`, {
          headers: { 'content-range': `bytes */${info.size}` },
        });
      }
      if (range !== undefined) {
        ({ start, end } = range);
        ctx.status(206);
        ctx.header('content-range', `bytes ${start}-${end}/${info.size}`);
      }
    }
    const length = info.size === 0 ? 0 : end - start + 1;
    if (length === 0) return Buffer.alloc(0);
    ctx.header('content-length', String(length));
    return createReadStream(file, { start, end, highWaterMark: 64 * 1024 });
  };
}
