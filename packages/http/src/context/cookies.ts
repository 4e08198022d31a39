import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError, HttpServerError } from '../errors.js';

/** Options for a Set-Cookie header. */
export interface CookieOptions {
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** Sign the value with `http.cookieSecret` (HMAC-SHA256); read it back with `get(name, { signed: true })`. */
  signed?: boolean;
}

function sign(value: string, secret: string): string {
  return `${value}.${createHmac('sha256', secret).update(value).digest('base64url')}`;
}

function unsign(signed: string, secret: string): string | undefined {
  const i = signed.lastIndexOf('.');
  if (i < 0) return undefined;
  const value = signed.slice(0, i);
  const a = Buffer.from(sign(value, secret));
  const b = Buffer.from(signed);
  return a.length === b.length && timingSafeEqual(a, b) ? value : undefined;
}

function parse(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const k = pair.slice(0, eq).trim();
    if (k === '' || out.has(k)) continue;
    let v = pair.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    try {
      out.set(k, decodeURIComponent(v));
    } catch {
      out.set(k, v);
    }
  }
  return out;
}

const cookieName = /^[!#$%&'*+\-.^_`|~\w]+$/;
// RFC 6265 §4.1.1 path-value / domain: any CHAR but controls and ';' (a ';' would start a new attribute).
const attributeValue = /^[\x20-\x3a\x3c-\x7e]*$/;

function invalid(what: string, value: string): HttpError {
  return new HttpError('ODY_HTTP_HEADER_INVALID', `Invalid cookie ${what} ${JSON.stringify(value)}: ${what === 'name' ? 'use RFC 9110 token characters' : "no control characters or ';'"}.`);
}

/**
 * Serialise one Set-Cookie header value. The value is percent-encoded; a name that is not a token,
 * or a path/domain with a control character (CR, LF, …) or `;`, throws ODY_HTTP_HEADER_INVALID.
 */
export function serializeCookie(name: string, value: string, o: CookieOptions = {}): string {
  if (!cookieName.test(name)) throw invalid('name', name);
  if (o.path !== undefined && !attributeValue.test(o.path)) throw invalid('path', o.path);
  if (o.domain !== undefined && !attributeValue.test(o.domain)) throw invalid('domain', o.domain);
  let s = `${name}=${encodeURIComponent(value)}`;
  if (o.maxAge !== undefined) s += `; Max-Age=${Math.floor(o.maxAge)}`;
  if (o.expires) s += `; Expires=${o.expires.toUTCString()}`;
  s += `; Path=${o.path ?? '/'}`;
  if (o.domain) s += `; Domain=${o.domain}`;
  if (o.secure) s += '; Secure';
  if (o.httpOnly ?? true) s += '; HttpOnly';
  if (o.sameSite) s += `; SameSite=${o.sameSite}`;
  return s;
}

/** Request cookies (read) and response cookies (set), with optional HMAC signing. */
export class Cookies {
  private parsed?: Map<string, string>;

  constructor(
    private readonly header: string | undefined,
    private readonly secret: string | undefined,
    private readonly append: (value: string) => void,
  ) {}

  /** A cookie's value; with `signed: true`, undefined unless its signature is valid. */
  get(name: string, options: { signed?: boolean } = {}): string | undefined {
    this.parsed ??= parse(this.header);
    const raw = this.parsed.get(name);
    if (raw === undefined || !options.signed) return raw;
    return unsign(raw, this.requireSecret());
  }

  /** Add a Set-Cookie header. */
  set(name: string, value: string, options: CookieOptions = {}): void {
    const v = options.signed ? sign(value, this.requireSecret()) : value;
    this.append(serializeCookie(name, v, options));
  }

  /** Expire a cookie. */
  clear(name: string, options: Pick<CookieOptions, 'path' | 'domain'> = {}): void {
    this.append(serializeCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) }));
  }

  private requireSecret(): string {
    if (!this.secret) throw new HttpServerError('ODY_HTTP_COOKIE_SECRET_MISSING', 'Signed cookies need http.cookieSecret (at least 16 characters); set it in config or ODY_HTTP_COOKIE_SECRET.');
    return this.secret;
  }
}
