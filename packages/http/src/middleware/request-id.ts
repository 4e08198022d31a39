import { newId, runInContext } from '@ody/core';
import type { Middleware } from '../types.js';

/** Options of requestId(). */
export interface RequestIdOptions {
  /** Header carrying the request id (read when trusted, always written). Default `x-request-id`. */
  header?: string;
  /** Header carrying the correlation id across services. Default `x-correlation-id`. */
  correlationHeader?: string;
  /** Accept ids sent by the client (safe characters only, ≤ 128). Default true. */
  trustIncoming?: boolean;
}

const SAFE = /^[\w.:-]{1,128}$/;

/**
 * Give each request an id and a correlation id, echo them as response headers, and run the rest of
 * the pipeline inside the core context (`runInContext`), so logs, the bus and queues carry them.
 */
export function requestId(options: RequestIdOptions = {}): Middleware {
  const header = (options.header ?? 'x-request-id').toLowerCase();
  const corrHeader = (options.correlationHeader ?? 'x-correlation-id').toLowerCase();
  const trust = options.trustIncoming ?? true;
  return (ctx, next) => {
    const incoming = trust ? ctx.headers[header] : undefined;
    const id = incoming !== undefined && SAFE.test(incoming) ? incoming : newId();
    const incomingCorr = trust ? ctx.headers[corrHeader] : undefined;
    const correlationId = incomingCorr !== undefined && SAFE.test(incomingCorr) ? incomingCorr : id;
    ctx.requestId = id;
    ctx.header(header, id);
    ctx.header(corrHeader, correlationId);
    return runInContext({ correlationId, requestId: id }, next);
  };
}
