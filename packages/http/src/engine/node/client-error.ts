import { STATUS_CODES } from 'node:http';

/** What node's parser reports → the status we answer (fastify answers the same way). */
function statusOf(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

const odyCode: Record<number, string> = { 400: 'ODY_HTTP_BAD_REQUEST', 408: 'ODY_HTTP_REQUEST_TIMEOUT', 431: 'ODY_HTTP_HEADERS_TOO_LARGE' };

/**
 * A problem+json answer (and connection close) for a request node's parser rejected before it
 * reached a handler: malformed request line or header, smuggling attempts (duplicate
 * Content-Length, Content-Length with Transfer-Encoding, unknown transfer coding), too-large
 * head (431) or a head that did not arrive in time (408).
 */
export function clientErrorResponse(err: NodeJS.ErrnoException): string {
  const status = statusOf(err.code);
  const body = JSON.stringify({
    type: `https://ody.dev/errors/${odyCode[status]}`,
    title: STATUS_CODES[status],
    status,
    detail: status === 400 ? `Malformed request: ${err.message.replace(/[^\x20-\x7e]/g, '')}` : STATUS_CODES[status],
    code: odyCode[status],
  });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
