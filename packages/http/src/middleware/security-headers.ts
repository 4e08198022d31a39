import type { Middleware } from '../types.js';

/** Header overrides: a string replaces the default, false removes it. */
export type SecurityHeadersOptions = Record<string, string | false>;

/** Defaults suited to JSON APIs (in the spirit of helmet). */
export const defaultSecurityHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'content-security-policy': "default-src 'self'; frame-ancestors 'self'; object-src 'none'",
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
};

/** Set security headers on every response (overrides merge over the defaults). */
export function securityHeaders(overrides: SecurityHeadersOptions = {}): Middleware {
  const merged: Record<string, string | false> = { ...defaultSecurityHeaders, ...overrides };
  const pairs = Object.entries(merged).filter((e): e is [string, string] => e[1] !== false);
  return (ctx, next) => {
    for (const [k, v] of pairs) ctx.header(k, v);
    return next();
  };
}
