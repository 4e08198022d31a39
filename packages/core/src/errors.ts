import { defineErrors } from './error/define-errors.js';

export { OdyError, type OdyErrorOptions } from './error/ody-error.js';

const errors = defineErrors('core', {
  ODY_PLUGIN_DUPLICATE: { message: 'Two plugins in one application share a name.' },
  ODY_PLUGIN_MISSING_DEPENDENCY: { message: 'A plugin depends on a plugin that is not in the plugin list.' },
  ODY_PLUGIN_CYCLE: { message: 'Plugins depend on each other in a cycle.' },
  ODY_PLUGIN_INVALID: { message: 'A plugin definition is malformed (no name, a hook that is not a function).' },
  ODY_TOKEN_ALREADY_BOUND: { message: 'A token was bound twice without rebind.' },
  ODY_TOKEN_NOT_BOUND: { message: 'A token was resolved but nothing is bound to it.' },
  ODY_CONFIG_INVALID: {
    message: 'Configuration failed validation (bad values, unknown keys, unknown ODY_* env names); every problem is listed.',
  },
  ODY_CONFIG_UNKNOWN_SECTION: { message: 'Configuration has a section that no plugin claims.' },
  ODY_ENV_FILE_INVALID: { message: 'The .env file could not be read or parsed.' },
  ODY_APP_STATE: { message: 'An application method was called in a state that does not allow it.' },
  ODY_BOOT_FAILED: { message: 'A plugin failed in register or boot; the application was rolled back.' },
  ODY_SHUTDOWN_FAILED: { message: 'One or more plugins failed or ran past the shutdown budget while shutting down.' },
  ODY_TIMEOUT: { message: 'A bounded step did not finish in time.' },
});

/** Codes thrown by @ody/core, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by @ody/core. */
export type CoreErrorCode = keyof typeof errorCodes;

/** Error raised by the kernel itself: `new CoreError(code, message?, { cause, details })`. */
export class CoreError extends errors.Error {}
