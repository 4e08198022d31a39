// @ody/core/portable: the parts of @ody/core with no Node.js dependency (no pino, no inversify), safe
// for browser bundles such as @ody/websocket/client. Everything here is also exported from @ody/core.
export { type Backoff, computeBackoffMs } from './backoff.js';
export {
  type DefinedErrors,
  defineErrors,
  type ErrorCodes,
  type ErrorDocRow,
  type ErrorSpec,
  type ErrorTable,
  errorDocRows,
  type PackageError,
  type PackageErrorClass,
} from './error/define-errors.js';
export { OdyError, type OdyErrorOptions } from './error/ody-error.js';
export { jsonDepthExceeds } from './json-depth.js';
export { createEmitter, Emitter, type EmitterLogger, type EmitterOptions, type EventMap } from './emitter.js';
