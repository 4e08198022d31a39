import { OdyError } from '@ody/core';
import { type FieldIssue, HttpError, NotFoundError, ValidationError } from '@ody/http';

/** Map a bus error to the HTTP error the adapter answers with (problem+json by @ody/http). */
export function toHttpError(err: unknown, location: 'body' | 'query'): unknown {
  if (err instanceof HttpError) return err;
  if (OdyError.is(err, 'ODY_CQRS_VALIDATION')) {
    const issues = (err.details.issues as Array<{ path: string; message: string }> | undefined) ?? [];
    const fields: FieldIssue[] = issues.map((i) => ({ location, path: i.path, message: i.message }));
    return new ValidationError(fields.length > 0 ? fields : [{ location, path: '', message: err.message }]);
  }
  if (OdyError.is(err, 'ODY_CQRS_UNKNOWN_MESSAGE') || OdyError.is(err, 'ODY_CQRS_COMMAND_NOT_FOUND')) {
    return new NotFoundError(err.message);
  }
  return err;
}
