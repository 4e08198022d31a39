import { z } from '@ody/core';

/** Request limits; each one answers with its own status and code. */
export const limitsSchema = z.object({
  /** Larger bodies get 413 and reading stops early (the connection is closed). */
  maxBodyBytes: z.number().int().positive().default(1024 * 1024),
  /** Sum of header names and values; larger gets 431. */
  maxHeaderBytes: z.number().int().positive().default(16 * 1024),
  /** Path plus query; longer gets 414. */
  maxUrlLength: z.number().int().positive().default(8 * 1024),
  /** Time for the whole request body to arrive; slower gets 408 and the connection is closed. */
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /** Deepest nesting of arrays/objects a JSON body may have; deeper gets 400 before parsing. */
  maxJsonDepth: z.number().int().positive().default(64),
  /** false: every response carries `Connection: close`. uWS closes idle keep-alive sockets after 10 s. */
  keepAlive: z.boolean().default(true),
});

/** The `http` config section. */
export const httpConfigSchema = z.object({
  /**
   * Which engine serves requests: 'uws' (uWebSockets.js native binary), 'node' (node:http + ws), or
   * 'auto' (uws when its binary loads, otherwise node). Env: ODY_HTTP_ENGINE.
   */
  engine: z.enum(['auto', 'uws', 'node']).default('auto'),
  port: z.number().int().min(0).max(65535).default(3000),
  /** Bind address: loopback by default (nothing is exposed by accident); `0.0.0.0` in containers (env ODY_HTTP_HOST). */
  host: z.string().default('127.0.0.1'),
  /** 0: serve in this thread. N or 'auto' (one per CPU): N workers (see workerMode) on one port. */
  workers: z.union([z.number().int().min(0), z.literal('auto')]).default(0),
  /** How workers run: 'thread' (default; one process) or 'process' (child processes, each killable and restartable alone). */
  workerMode: z.enum(['thread', 'process']).default('thread'),
  limits: limitsSchema.default(limitsSchema.parse({})),
  /** Bound on finishing in-flight requests at shutdown. */
  shutdownTimeoutMs: z.number().int().positive().default(10_000),
  /** Path of the built-in health route (reports `draining` while shutting down); false to disable. */
  healthPath: z.union([z.string().startsWith('/'), z.literal(false)]).default('/health'),
  /** Secret for signed cookies. */
  cookieSecret: z.string().min(16).optional(),
  /** Trust `x-forwarded-for` for ctx.ip. */
  trustProxy: z.boolean().default(false),
});

/** Validated `http` config. */
export type HttpConfig = z.output<typeof httpConfigSchema>;
/** `http` config as a user writes it (defaults optional). */
export type HttpConfigInput = z.input<typeof httpConfigSchema>;
/** Validated request limits. */
export type HttpLimits = z.output<typeof limitsSchema>;

/** Fill defaults into a partial config (used by createServer outside a plugin). */
export function resolveHttpConfig(input: HttpConfigInput = {}): HttpConfig {
  return httpConfigSchema.parse(input);
}
