import type { TemplatedApp } from 'uWebSockets.js';
import { token } from '@ody/core';

// What this package uses of @ody/http, read through its public tokens by name. Tokens are
// `Symbol.for` keys, so these are the very keys @ody/http binds; describing just the part we use keeps
// @ody/websocket loadable without @ody/http (standalone mode) and free of a build-order dependency.

/** @internal the part of @ody/http's HttpServer this package uses. */
export interface HttpServerLink {
  /** The uWS app: `.ws()` routes go here before listen. */
  readonly uws: TemplatedApp;
  /** Runs during the server's graceful close. */
  onClose(fn: () => void | Promise<void>): void;
}

/** @internal the part of @ody/http's config this package uses. */
export interface HttpConfigLink {
  workers: number | 'auto';
}

/** @internal @ody/http's HttpServer token. */
export const HttpServerToken = token<HttpServerLink>('@ody/http/HttpServer');
/** @internal @ody/http's HttpConfig token. */
export const HttpConfigToken = token<HttpConfigLink>('@ody/http/HttpConfig');

/** @internal how many worker threads @ody/http runs (0: it serves in this thread). */
export function httpWorkerCount(config: HttpConfigLink, cpus: number): number {
  return config.workers === 'auto' ? cpus : config.workers;
}
