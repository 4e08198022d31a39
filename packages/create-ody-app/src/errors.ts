/**
 * Errors of create-ody-app. The scaffolder has no runtime dependency on @ody/core (so that
 * `npm create ody-app` downloads one small package), but its errors carry the same brand, so
 * `OdyError.is(err, 'ODY_CREATE_TARGET_NOT_EMPTY')` from @ody/core recognises them.
 */
const ODY_ERROR = Symbol.for('ody.error');

/** Codes thrown by create-ody-app, with what each one means (docs/errors.md is checked against this). */
export const errorCodes = {
  ODY_CREATE_USAGE: 'The command line is malformed (unknown flag, missing value, no target without a TTY); exit code 2.',
  ODY_CREATE_TEMPLATE_UNKNOWN: 'The template name is not one of the templates; the message lists them.',
  ODY_CREATE_PM_UNKNOWN: 'The package manager is not one of npm, pnpm, yarn or bun.',
  ODY_CREATE_TARGET_NOT_EMPTY: 'The target folder exists and is not empty; pass --overwrite to empty it first.',
  ODY_CREATE_NAME_INVALID: 'The project name is not a valid npm package name.',
  ODY_CREATE_STEP_FAILED: 'Installing dependencies or initialising git failed; the files are written.',
} as const;

/** A code thrown by create-ody-app. */
export type CreateErrorCode = keyof typeof errorCodes;

/** The one error class of create-ody-app: a stable `code`, a message that says what to do. */
export class CreateAppError extends Error {
  readonly code: CreateErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: CreateErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CreateAppError';
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, ODY_ERROR, { value: true });
  }
}
