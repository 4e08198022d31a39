import { defineErrors } from '@ody/core/portable';

const errors = defineErrors('create-ody-app', {
  ODY_CREATE_USAGE: { message: 'The command line is malformed (unknown flag, missing value, no target without a TTY); exit code 2.' },
  ODY_CREATE_TEMPLATE_UNKNOWN: { message: 'The template name is not one of the templates; the message lists them.' },
  ODY_CREATE_PM_UNKNOWN: { message: 'The package manager is not one of npm, pnpm, yarn or bun.' },
  ODY_CREATE_TARGET_NOT_EMPTY: { message: 'The target folder exists and is not empty; pass --overwrite to empty it first.' },
  ODY_CREATE_NAME_INVALID: { message: 'The project name is not a valid npm package name.' },
  ODY_CREATE_STEP_FAILED: { message: 'Installing dependencies or initialising git failed; the files are written.' },
});

/** Codes thrown by create-ody-app, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by create-ody-app. */
export type CreateErrorCode = keyof typeof errorCodes;

/** The one error class of create-ody-app: an OdyError with a stable `code` and a message that says what to do. */
export class CreateAppError extends errors.Error {}
