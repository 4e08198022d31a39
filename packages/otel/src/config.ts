import { z } from '@ody/core';

const routePath = z.string().startsWith('/');

/** Config section `otel` (env `ODY_OTEL_<KEY>`, e.g. `ODY_OTEL_METRICS_ENABLED=true`). */
export const otelConfigSchema = z.object({
  /** Spans for HTTP requests, queue pushes and jobs, bus messages (made only once an SDK is registered). */
  tracing: z.boolean().default(true),
  metrics: z
    .object({
      /** Serve Prometheus metrics (needs the optional peer dependency prom-client). */
      enabled: z.boolean().default(false),
      /** Route of the Prometheus text endpoint. */
      path: routePath.default('/metrics'),
      /** Node.js process metrics: event-loop lag, GC pauses, heap, CPU. */
      defaultMetrics: z.boolean().default(true),
      /** Queues whose depth is reported before this process touched them. */
      queues: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  health: z
    .object({
      /** Serve the liveness and readiness routes. */
      enabled: z.boolean().default(true),
      livePath: routePath.default('/livez'),
      readyPath: routePath.default('/readyz'),
      /** A readiness check that takes longer counts as down. */
      checkTimeoutMs: z.number().int().positive().default(2000),
    })
    .prefault({}),
});

/** The resolved `otel` config section. */
export type OtelConfig = z.output<typeof otelConfigSchema>;
/** What `otelPlugin()` options and the `otel` config section accept. */
export type OtelSettings = z.input<typeof otelConfigSchema>;
