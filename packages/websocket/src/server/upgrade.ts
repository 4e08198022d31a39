import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import type { Logger } from '@ody/core';
import { newId, OdyError, runInContext } from '@ody/core';
import type { Connection, SocketData } from './connection.js';
import type { UpgradeRequest, WebSocketHooks } from './options.js';

function problem(res: HttpResponse, status: string, code: string, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ type: 'about:blank', title: status.slice(4), status: Number(status.slice(0, 3)), code, detail });
  res.cork(() => {
    res.writeStatus(status);
    for (const k in headers) res.writeHeader(k, headers[k]!);
    res.writeHeader('content-type', 'application/problem+json').end(body);
  });
}

/**
 * The uWS `upgrade` handler: copies what it needs from `req` before any await, runs authenticate(),
 * answers 401 (problem+json) on rejection, and upgrades with a fresh Connection otherwise.
 */
export function upgradeHandler<User>(
  hooks: WebSocketHooks<User>,
  newConnection: (user: User) => Connection<User>,
  logger: Logger | undefined,
): (res: HttpResponse, req: HttpRequest, context: us_socket_context_t) => void {
  return (res, req, context) => {
    const headers: Record<string, string> = {};
    req.forEach((key, value) => {
      headers[key] = value;
    });
    const request: UpgradeRequest = {
      url: req.getUrl(),
      query: req.getQuery() ?? '',
      headers,
      remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString(),
    };
    const key = headers['sec-websocket-key'] ?? '';
    const protocol = headers['sec-websocket-protocol'] ?? '';
    const extensions = headers['sec-websocket-extensions'] ?? '';
    // RFC 6455 §4.4: only version 13 is spoken; others get 426 naming it (before authenticate runs).
    if (headers['sec-websocket-version'] !== '13') {
      problem(res, '426 Upgrade Required', 'ODY_WS_VERSION_UNSUPPORTED', 'only WebSocket version 13 is supported', { 'sec-websocket-version': '13' });
      return;
    }
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });

    const upgrade = (user: User, corked: boolean) => {
      const data: SocketData<User> = { conn: newConnection(user) };
      if (corked) res.upgrade(data, key, protocol, extensions, context);
      else res.cork(() => res.upgrade(data, key, protocol, extensions, context));
    };
    if (!hooks.authenticate) return upgrade(undefined as User, true);

    const settle = (user: User | null | undefined | false, corked: boolean) => {
      if (aborted) return;
      if (user === null || user === undefined || user === false) {
        problem(res, '401 Unauthorized', 'ODY_WS_UNAUTHORIZED', 'authentication rejected this connection');
      } else upgrade(user, corked);
    };
    const fail = (err: unknown) => {
      if (aborted) return;
      if (OdyError.is(err, 'ODY_WS_UNAUTHORIZED')) {
        problem(res, '401 Unauthorized', 'ODY_WS_UNAUTHORIZED', err.message);
        return;
      }
      logger?.error({ err, url: request.url }, 'websocket authenticate() threw');
      problem(res, '500 Internal Server Error', 'ODY_WS_INTERNAL', 'authentication failed on the server');
    };

    // A synchronous authenticate() upgrades right here, inside the uWS callback (which uWS corks
    // itself). Only a real promise takes the async path: there `res.cork(() => res.upgrade())` is
    // required, and uWS 20.30 can then close the fresh socket ~1 ms after open (uWebSockets#1928,
    // fixed upstream by PR #1929); clients see a 1006 close and reconnect.
    let result: ReturnType<NonNullable<typeof hooks.authenticate>>;
    try {
      const correlationId = headers['x-correlation-id'] || newId();
      result = runInContext({ correlationId }, () => hooks.authenticate!(request));
    } catch (err) {
      return fail(err);
    }
    if (typeof (result as PromiseLike<unknown> | null)?.then !== 'function') {
      return settle(result as User | null | undefined | false, true);
    }
    Promise.resolve(result).then((user) => settle(user, false), fail);
  };
}
