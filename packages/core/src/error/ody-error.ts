/** Brand shared by every copy of @ody/core (ESM, CJS, duplicated installs), so `OdyError.is` never lies. */
const ODY_ERROR = Symbol.for('ody.error');

/** Options accepted by every OdyError: the third constructor argument of every Ody error class. */
export interface OdyErrorOptions {
  cause?: unknown;
  /** Structured facts about the failure (values, names), kept for logs and problem+json bodies. */
  details?: Record<string, unknown>;
}

/**
 * Base of every error Ody throws. `code` is stable and documented in docs/errors.md.
 * @example
 * if (OdyError.is(err, 'ODY_CONFIG_INVALID')) console.error(err.details);
 */
export class OdyError extends Error {
  /** Stable machine-readable code, `ODY_<PKG>_<WHAT>`. */
  readonly code: string;
  /** Structured facts about the failure. */
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: OdyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, ODY_ERROR, { value: true });
  }

  /** True for any OdyError (from any copy of the package), optionally with the given code. */
  static is(value: unknown, code?: string): value is OdyError {
    if (typeof value !== 'object' || value === null) return false;
    if ((value as Record<symbol, unknown>)[ODY_ERROR] !== true) return false;
    return code === undefined || (value as OdyError).code === code;
  }

  /** Plain JSON form for logs and wire formats. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}
