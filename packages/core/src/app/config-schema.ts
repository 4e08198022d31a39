import { z } from 'zod';
import { logLevels } from '../logger.js';

/** The `app` config section, owned by the kernel itself. */
export const appConfigSchema = z.object({
  /** Name used as the logger name. */
  name: z.string().default('ody'),
  /** Log level (env ODY_APP_LOG_LEVEL). */
  logLevel: z.enum(logLevels).default('info'),
  /** Bound on each plugin's register and boot. */
  bootTimeoutMs: z.number().int().positive().default(30_000),
  /**
   * The one shutdown budget (env ODY_APP_SHUTDOWN_TIMEOUT_MS): every plugin drains within it; when it
   * runs out, the signal handed to each plugin's shutdown aborts and plugins close what is left at once.
   */
  shutdownTimeoutMs: z.number().int().positive().default(10_000),
  /** How long a plugin may still take after the budget's signal aborted before it is reported as hung. */
  shutdownGraceMs: z.number().int().min(0).default(1_000),
});

/** The resolved `app` config. */
export type AppConfig = z.output<typeof appConfigSchema>;
