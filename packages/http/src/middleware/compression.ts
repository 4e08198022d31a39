import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Middleware } from '../types.js';

/** Options of compression(). */
export interface CompressionOptions {
  /** Bodies smaller than this many bytes are sent as is. Default 1024. */
  threshold?: number;
  /** Brotli quality (0-11); default 4, a good speed/ratio trade-off for dynamic responses. */
  brotliQuality?: number;
  /** gzip level (1-9); default 6. */
  gzipLevel?: number;
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const SKIP_TYPES = /^(image\/(?!svg)|video\/|audio\/|application\/(zip|gzip|x-gzip|octet-stream))/;

function pickEncoding(accept: string | undefined): 'br' | 'gzip' | undefined {
  if (!accept) return undefined;
  if (/\bbr\b/.test(accept)) return 'br';
  if (/\bgzip\b/.test(accept)) return 'gzip';
  return undefined;
}

function isStream(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as Readable).pipe === 'function';
}

/**
 * Compress responses with brotli or gzip (by Accept-Encoding) when the body is at least `threshold`
 * bytes; streams are compressed on the fly. Sets Content-Encoding and Vary.
 */
export function compression(options: CompressionOptions = {}): Middleware {
  const threshold = options.threshold ?? 1024;
  const brOpts = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: options.brotliQuality ?? 4 } };
  const gzOpts = { level: options.gzipLevel ?? 6 };
  return async (ctx, next) => {
    await next();
    const encoding = pickEncoding(ctx.headers['accept-encoding']);
    const body = ctx.responseBody;
    if (encoding === undefined || body === undefined || ctx.getResponseHeader('content-encoding') !== undefined) return;
    if (ctx.method === 'HEAD' || ctx.statusCode === 204 || ctx.statusCode === 304) return;
    const declaredType = ctx.getResponseHeader('content-type');
    if (declaredType !== undefined && SKIP_TYPES.test(declaredType)) return;
    if (isStream(body)) {
      if (ctx.getResponseHeader('content-range') !== undefined) return;
      const z = encoding === 'br' ? zlib.createBrotliCompress(brOpts) : zlib.createGzip(gzOpts);
      body.on('error', (e) => z.destroy(e));
      ctx.responseBody = body.pipe(z);
      ctx.responseHeaders = ctx.responseHeaders?.filter(([k]) => k !== 'content-length');
    } else {
      let bytes: Buffer;
      let type = declaredType;
      if (typeof body === 'string') {
        bytes = Buffer.from(body);
        type ??= 'text/plain; charset=utf-8';
      } else if (body instanceof Uint8Array) {
        bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
        type ??= 'application/octet-stream';
      } else if (body instanceof ArrayBuffer || body instanceof Readable) return;
      else {
        bytes = Buffer.from(JSON.stringify(body));
        type ??= 'application/json; charset=utf-8';
      }
      if (bytes.length < threshold) return;
      ctx.responseBody = encoding === 'br' ? await brotli(bytes, brOpts) : await gzip(bytes, gzOpts);
      ctx.header('content-type', type);
    }
    ctx.header('content-encoding', encoding);
    ctx.header('vary', 'Accept-Encoding', true);
  };
}
