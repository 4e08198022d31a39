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
  /** Bound on each plugin's shutdown step (env ODY_APP_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: z.number().int().positive().default(10_000),
});

/** The resolved `app` config. */
export type AppConfig = z.output<typeof appConfigSchema>;
