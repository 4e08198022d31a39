import { stringWire } from './encoded.js';
import type { UwsExchange } from './exchange.js';

/**
 * End a HEAD answer that reports `length` bytes (undefined: no length). uWS 20.30's
 * endWithoutBody(n > 0) leaves the response unfinished: that connection answers nothing more (the
 * next keep-alive or pipelined request hangs until the idle close), its closeConnection is ignored,
 * and an undefined length is written as 2^63. So on uws the length goes out as a header and the
 * response ends with endWithoutBody() (nothing reported), which uWS counts as done; a close is asked
 * of the client with `connection: close` (uWS does not close the socket itself then).
 */
export function endHead(ex: UwsExchange, length: number | undefined, close: boolean): void {
  const res = ex.res;
  if (ex.wire === stringWire) {
    res.endWithoutBody(length, close);
    return;
  }
  if (length !== undefined) res.writeHeader('content-length', String(length));
  if (close) res.writeHeader('connection', 'close');
  res.endWithoutBody();
}
