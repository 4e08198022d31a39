import { z } from 'zod';
import type { Backoff } from '../backoff.js';

/**
 * Zod schema for a `Backoff` in a plugin's config: a number (fixed delay in ms) or the object shape.
 * Its output is always the object shape.
 * @example
 * configSchema: z.object({ backoff: backoffSchema.default({ type: 'exponential', delayMs: 200 }) })
 */
export const backoffSchema = z
  .union([
    z.number().min(0),
    z.strictObject({
      type: z.enum(['fixed', 'exponential']),
      delayMs: z.number().min(0),
      factor: z.number().min(1).optional(),
      maxDelayMs: z.number().min(0).optional(),
      jitter: z.number().min(0).max(1).optional(),
    }),
  ])
  .transform((value): Backoff => (typeof value === 'number' ? { type: 'fixed', delayMs: value } : value));
