import { STATUS_CODES } from 'node:http';
import { OdyError } from '@ody/core';
import { HttpError, HttpServerError } from '../errors.js';

/** An RFC 9457 problem+json answer built from any thrown value. */
export interface Problem {
  status: number;
  headers: Record<string, string>;
  body: string;
  closeConnection: boolean;
  /** The original error when it was not an HttpError (it is logged, never sent). */
  unexpected?: unknown;
}

/**
 * Map an error to problem+json. HttpErrors keep their status, code and details; anything else is a
 * 500 whose message stays in the logs.
 */
export function toProblem(err: unknown, instance: string): Problem {
  // A server-side failure (HttpServerError) reaching a response is logged and hidden like any bug.
  const serverSide = err instanceof HttpServerError;
  if (!serverSide && (err instanceof HttpError || (OdyError.is(err) && typeof (err as HttpError).status === 'number'))) {
    const e = err as HttpError;
    const body: Record<string, unknown> = {
      type: `https://ody.dev/errors/${e.code}`,
      title: STATUS_CODES[e.status] ?? 'Error',
      status: e.status,
      detail: e.message,
      code: e.code,
      instance,
    };
    if (Array.isArray(e.details.errors)) body.errors = e.details.errors;
    return { status: e.status, headers: e.headers ?? {}, body: JSON.stringify(body), closeConnection: e.closeConnection === true };
  }
  const body = {
    type: 'https://ody.dev/errors/ODY_HTTP_INTERNAL',
    title: 'Internal Server Error',
    status: 500,
    detail: 'The server failed to handle the request; see the server logs.',
    code: 'ODY_HTTP_INTERNAL',
    instance,
  };
  return { status: 500, headers: {}, body: JSON.stringify(body), closeConnection: false, unexpected: err };
}

const lines = new Map<number, string>();
/** Cached uWS status line: `200 OK`. */
export function statusLine(code: number): string {
  let s = lines.get(code);
  if (s === undefined) {
    s = `${code} ${STATUS_CODES[code] ?? 'Unknown'}`;
    lines.set(code, s);
  }
  return s;
}
