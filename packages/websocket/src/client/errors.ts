/**
 * Error raised by the client. It carries the same `Symbol.for('ody.error')` brand as OdyError, so
 * `OdyError.is(err, 'ODY_WS_ACK_TIMEOUT')` works, without pulling @ody/core into browser bundles.
 * Server error frames reject with their own code (e.g. ODY_WS_FORBIDDEN).
 */
export class WebSocketClientError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'WebSocketClientError';
    this.code = code;
    this.details = details;
    Object.defineProperty(this, Symbol.for('ody.error'), { value: true });
  }
}
