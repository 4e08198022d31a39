import { z } from '@ody/core';
import { defaultLimits } from '../server/options.js';

/** The `websocket` config section (hooks and adapters are code: pass them to websocketPlugin). */
export const websocketConfigSchema = z.object({
  /** Upgrade path on the @ody/http server (or the standalone one). */
  path: z.string().startsWith('/').default(defaultLimits.path),
  maxPayload: z.number().int().positive().default(defaultLimits.maxPayload),
  maxChannelsPerConnection: z.number().int().positive().default(defaultLimits.maxChannelsPerConnection),
  rateLimit: z
    .union([z.object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() }), z.literal(false)])
    .default(defaultLimits.rateLimit),
  /** Milliseconds; uWS counts whole seconds, at least 8: rounded up (see idleTimeoutToSeconds). 0 disables. */
  idleTimeoutMs: z.number().int().min(0).default(defaultLimits.idleTimeoutMs),
  maxBackpressure: z.number().int().positive().default(defaultLimits.maxBackpressure),
  backpressurePolicy: z.enum(['drop', 'close']).default(defaultLimits.backpressurePolicy),
  /** `auto`: the worker adapter when @ody/http runs worker threads, else local. Ignored when an adapter is passed in code. */
  adapter: z.enum(['auto', 'local', 'worker']).default('auto'),
  /** BroadcastChannel name of the worker adapter (apps sharing one process need different names). */
  workerChannel: z.string().min(1).default('ody'),
  /** Without @ody/http: listen on this port (0 = any free port) ... */
  port: z.number().int().min(0).max(65535).default(3001),
  /** ... and host. */
  host: z.string().default('127.0.0.1'),
});

/** Validated `websocket` config. */
export type WebSocketConfig = z.output<typeof websocketConfigSchema>;
