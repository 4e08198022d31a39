import { CqrsError } from '../errors.js';
import { issuesOf } from '../messages/registry.js';
import type { BusMiddleware } from './types.js';

/**
 * Validate each message against the schema its type declares (`static schema = z.object(...)`);
 * a failure throws ODY_CQRS_VALIDATION listing the issues. Messages without a schema pass through.
 */
export function validation(): BusMiddleware {
  return (message, next, info) => {
    const schema = info.schema;
    if (schema !== undefined) {
      const parsed = schema.safeParse(message);
      if (!parsed.success) {
        return Promise.reject(
          new CqrsError('ODY_CQRS_VALIDATION', `${info.kind} '${info.name}' is invalid: ${parsed.error.issues[0]?.message}.`, {
            details: { message: info.name, issues: issuesOf(parsed.error) },
          }),
        );
      }
    }
    return next(message);
  };
}
