import type { z } from '@ody/core';
import { type FieldIssue, ValidationError } from '../errors.js';
import type { RouteSchemas } from '../types.js';
import type { HttpContext } from './context.js';

/** Turn a failed zod parse into field issues for one location. */
export function issuesOf(location: string, error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ location, path: i.path.map(String).join('.'), message: i.message }));
}

/** Parse one value with a schema; throws ValidationError listing every bad field. */
export function validateValue<S extends z.ZodType>(location: string, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(issuesOf(location, r.error));
  return r.data;
}

/**
 * Check params, query, headers and body against the route's schemas, all at once, and keep the
 * parsed values in `ctx.valid` (the handler then reads typed, coerced values).
 */
export async function validateRequest(ctx: HttpContext, schemas: RouteSchemas): Promise<void> {
  const issues: FieldIssue[] = [];
  const check = (location: keyof RouteSchemas, schema: z.ZodType | undefined, value: unknown) => {
    if (schema === undefined) return;
    const r = schema.safeParse(value);
    if (r.success) ctx.valid[location] = r.data;
    else issues.push(...issuesOf(location, r.error));
  };
  check('params', schemas.params, ctx.params);
  check('query', schemas.query, ctx.query);
  check('headers', schemas.headers, ctx.headers);
  if (schemas.body !== undefined) check('body', schemas.body, await ctx.body.parsed());
  if (issues.length > 0) throw new ValidationError(issues);
}
