import { z } from '@ody/core';

/** The queue's job backoff in config: ms (fixed), or `{ type, delayMs, jitter?, maxDelayMs? }`. */
const backoffSchema = z.union([
  z.number().int().min(0),
  z.strictObject({ type: z.literal('fixed'), delayMs: z.number().min(0) }),
  z.strictObject({ type: z.literal('exponential'), delayMs: z.number().min(0), jitter: z.number().min(0).max(1).optional(), maxDelayMs: z.number().min(0).optional() }),
]);

const routeSchema = z.union([
  z.string().min(1),
  z.object({
    queue: z.string().min(1),
    attempts: z.number().int().min(1).optional(),
    backoff: backoffSchema.optional(),
    timeoutMs: z.number().int().min(0).optional(),
  }),
]);

/** Config section `cqrs` (env `ODY_CQRS_<KEY>`). */
export const cqrsConfigSchema = z.object({
  /** Routing table: command name → queue (or `{ queue, attempts, backoff, timeoutMs }`); overrides `@Async`. */
  routes: z.record(z.string(), routeSchema).default({}),
  /** Default attempts of async commands and async event handlers (first run included). */
  attempts: z.number().int().min(1).default(3),
  /** Default backoff between attempts: ms, or a fixed/exponential spec. */
  backoff: backoffSchema.default({ type: 'exponential', delayMs: 200 }),
  /** Default attempt timeout of async commands in ms; 0 = none. */
  timeoutMs: z.number().int().min(0).default(0),
  /** Queue of async event handlers that name none. */
  eventQueue: z.string().min(1).default('events'),
  /** Stamp correlation/causation ids on every message (middleware added first on every bus). */
  correlation: z.boolean().default(true),
  /** Log every message with timing at this level; false to log nothing. */
  logging: z.union([z.literal(false), z.enum(['trace', 'debug', 'info'])]).default(false),
  /** Validate messages against their declared schema on every bus. */
  validate: z.boolean().default(true),
  /** Default timeout of commandBus.wait() in ms. */
  waitTimeoutMs: z.number().int().positive().default(30_000),
  worker: z
    .object({
      /** Run command workers in this process (false for a producer-only process). */
      enabled: z.boolean().default(true),
      /** Only work these queues; default every routed queue. */
      queues: z.array(z.string().min(1)).optional(),
      concurrency: z.number().int().positive().default(1),
      leaseMs: z.number().int().min(50).default(30_000),
      maxStalls: z.number().int().min(0).default(1),
      /** Longest single wait for new jobs. */
      waitMs: z.number().int().min(0).default(5_000),
      /** How long in-flight commands may finish at shutdown. */
      closeTimeoutMs: z.number().int().min(0).default(10_000),
    })
    .prefault({}),
  statusChannel: z
    .object({
      /** With @ody/websocket in the app, push each status change on the command's channel. */
      enabled: z.boolean().default(true),
      /** Channel name prefix: `command-<commandId>`; `private-command-` makes authorizeChannel decide who may watch. */
      prefix: z.string().regex(/^[A-Za-z0-9_\-=@,.;:]{0,100}$/).default('command-'),
    })
    .prefault({}),
  status: z
    .object({
      /** 'auto' matches the queue driver (memory → memory, redis → redis, anything else → filesystem). */
      store: z.enum(['auto', 'memory', 'filesystem', 'redis']).default('auto'),
      /** Key prefix of the Redis status store (`<prefix>:{cqrs}:…`). */
      prefix: z.string().regex(/^[^{}\s]{1,64}$/).default('ody'),
      /** Redis store: keep at most this many finished records (the oldest go first); default no cap. */
      maxFinished: z.number().int().min(1).optional(),
      /** Directory of the filesystem status store; default `<queue dir>/.cqrs-status`. */
      dir: z.string().min(1).optional(),
      /** Finished statuses are kept this long (ms). */
      retentionMs: z.number().int().positive().default(24 * 60 * 60 * 1000),
    })
    .prefault({}),
});

/** The validated `cqrs` config. */
export type CqrsConfig = z.output<typeof cqrsConfigSchema>;
