import { OdyError } from '@ody/core/portable';

/**
 * Error raised by the client: an `OdyError` (so `OdyError.is(err, 'ODY_WS_ACK_TIMEOUT')` works) built
 * on `@ody/core/portable`, which pulls no Node-only code into browser bundles. Server error frames
 * reject with their own code (e.g. ODY_WS_FORBIDDEN).
 */
export class WebSocketClientError extends OdyError {
  /** `details` is the third argument for compatibility; the core shape `(code, message, { details })` is accepted too. */
  constructor(code: string, message: string, details: Record<string, unknown> | { details?: Record<string, unknown>; cause?: unknown } = {}) {
    const options = isOptions(details) ? details : { details };
    super(code, message, options);
  }
}

function isOptions(value: object): value is { details?: Record<string, unknown>; cause?: unknown } {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k === 'details' || k === 'cause');
}
