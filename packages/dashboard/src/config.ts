import { z } from '@ody/core';

/** Config section `dashboard` (env `ODY_DASHBOARD_<KEY>`). */
export const dashboardConfigSchema = z.object({
  /** Off by default: nothing is mounted until this is true. */
  enabled: z.boolean().default(false),
  /** Where the page lives; its API under `<path>/api`, its WebSocket at `<path>/ws`. */
  path: z
    .string()
    .regex(/^(\/[A-Za-z0-9_.-]+)+$/, 'a path like /ody/dashboard (no trailing slash)')
    .default('/ody/dashboard'),
  /** Queues to show besides the ones async commands and event handlers use. */
  queues: z.array(z.string().min(1)).default([]),
  /** Failed jobs listed per queue. */
  failedLimit: z.number().int().min(1).max(1000).default(50),
  /** Async commands kept in the list (the newest; counts are over these). */
  recentCommands: z.number().int().min(1).max(10_000).default(200),
  /** How often queue counts are read while a dashboard is open (changes are pushed; nothing is pushed when nothing changed). */
  refreshMs: z.number().int().min(100).default(1000),
});

/** The validated `dashboard` config. */
export type DashboardConfig = z.output<typeof dashboardConfigSchema>;
