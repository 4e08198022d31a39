import type { z } from 'zod';
import { CqrsError } from '../errors.js';
import { issuesOf } from '../messages/registry.js';
import { linkable } from './compose.js';
import type { BusMiddleware, BusNext, MessageInfo } from './types.js';

function invalid(info: MessageInfo, error: z.ZodError): CqrsError {
  return new CqrsError('ODY_CQRS_VALIDATION', `${info.kind} '${info.name}' is invalid: ${error.issues[0]?.message}.`, {
    details: { message: info.name, issues: issuesOf(error) },
  });
}

/**
 * Validate each message against the schema its type declares (`static schema = z.object(...)`);
 * a failure throws ODY_CQRS_VALIDATION listing the issues. Messages without a schema pass through:
 * on a bus, the route of a message type without a schema does not include this middleware at all.
 */
export function validation(): BusMiddleware {
  const middleware: BusMiddleware = (message, next, info) => {
    const schema = info.schema;
    if (schema !== undefined) {
      const parsed = schema.safeParse(message);
      if (!parsed.success) return Promise.reject(invalid(info, parsed.error));
    }
    return next(message);
  };
  return linkable(middleware, (next: BusNext, info: MessageInfo): BusNext => {
    const schema = info.schema;
    if (schema === undefined) return next;
    return (message) => {
      try {
        const parsed = schema.safeParse(message);
        return parsed.success ? next(message) : Promise.reject(invalid(info, parsed.error));
      } catch (err) {
        return Promise.reject(err);
      }
    };
  });
}
