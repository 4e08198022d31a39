/** Brand shared by every copy of @ody/core (ESM, CJS, duplicated installs), so `OdyError.is` never lies. */
const ODY_ERROR = Symbol.for('ody.error');

/** Options accepted by every OdyError. */
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
  readonly code: string;
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

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** Codes thrown by @ody/core, with what each one means (docs/errors.md is checked against this). */
export const errorCodes = {
  ODY_PLUGIN_DUPLICATE: 'Two plugins in one application share a name.',
  ODY_PLUGIN_MISSING_DEPENDENCY: 'A plugin depends on a plugin that is not in the plugin list.',
  ODY_PLUGIN_CYCLE: 'Plugins depend on each other in a cycle.',
  ODY_PLUGIN_INVALID: 'A plugin definition is malformed (no name, a hook that is not a function).',
  ODY_TOKEN_ALREADY_BOUND: 'A token was bound twice without rebind.',
  ODY_TOKEN_NOT_BOUND: 'A token was resolved but nothing is bound to it.',
  ODY_CONFIG_INVALID: 'Configuration failed validation; every bad key is listed.',
  ODY_CONFIG_UNKNOWN_SECTION: 'Configuration has a section that no plugin claims.',
  ODY_ENV_FILE_INVALID: 'The .env file could not be read or parsed.',
  ODY_APP_STATE: 'An application method was called in a state that does not allow it.',
  ODY_BOOT_FAILED: 'A plugin failed in register or boot; the application was rolled back.',
  ODY_SHUTDOWN_FAILED: 'One or more plugins failed or timed out while shutting down.',
  ODY_TIMEOUT: 'A bounded step did not finish in time.',
} as const;

/** A code thrown by @ody/core. */
export type CoreErrorCode = keyof typeof errorCodes;

/** Error raised by the kernel itself. */
export class CoreError extends OdyError {
  declare readonly code: CoreErrorCode;
  constructor(code: CoreErrorCode, message: string, options?: OdyErrorOptions) {
    super(code, message, options);
  }
}
