import { defineErrors } from '@ody/core/portable';

const errors = defineErrors('cli', {
  ODY_CLI_USAGE: { message: 'The command line is malformed (unknown command or option, missing argument); exit code 2.' },
  ODY_CLI_NAME_INVALID: { message: 'A generator name is not a usable identifier (letters, digits, - and _; starting with a letter).' },
  ODY_CLI_FILE_EXISTS: { message: 'A generator would overwrite an existing file; nothing was written.' },
  ODY_CLI_PROJECT_NOT_FOUND: { message: 'No package.json was found from the current folder upwards; run ody inside an app.' },
  ODY_CLI_STEP_FAILED: { message: 'A tool ody runs (tsc, tsx, node) exited with an error; its output is above.' },
});

/** Codes thrown by @ody/cli, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by @ody/cli. */
export type CliErrorCode = keyof typeof errorCodes;

/** The one error base of @ody/cli. */
export class CliError extends errors.Error {}
