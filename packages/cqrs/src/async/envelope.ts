import { UnrecoverableError } from '@ody/queue';

/** What an async command job carries (JSON): the registered name and payload, never a class name to load. */
export interface CommandEnvelope {
  readonly v: 1;
  readonly kind: 'command';
  readonly commandId: string;
  readonly name: string;
  readonly payload: Record<string, unknown>;
  readonly correlationId: string;
  readonly causationId?: string;
  /** The dispatch's idempotency key, so a worker can re-create a lost status record in full. */
  readonly idempotencyKey?: string;
}

/** What an async event-handler job carries: the event, and which handler of it to run. */
export interface EventEnvelope {
  readonly v: 1;
  readonly kind: 'event';
  readonly eventId: string;
  readonly name: string;
  readonly handler: string;
  readonly payload: Record<string, unknown>;
  readonly correlationId: string;
  readonly causationId?: string;
}

/** Either kind of job envelope. */
export type Envelope = CommandEnvelope | EventEnvelope;

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Check a decoded job payload is an envelope this package wrote. Anything else is refused with an
 * UnrecoverableError (the job goes to the failed store with that reason, without retries).
 */
export function parseEnvelope(data: unknown, jobName: string): Envelope {
  const e = (isObject(data) ? data : {}) as Record<string, unknown>;
  const common = e.v === 1 && isString(e.name) && isObject(e.payload) && isString(e.correlationId);
  if (common && e.kind === 'command' && isString(e.commandId)) return e as unknown as CommandEnvelope;
  if (common && e.kind === 'event' && isString(e.eventId) && isString(e.handler)) return e as unknown as EventEnvelope;
  throw new UnrecoverableError(
    `Job '${jobName}' is not a CQRS message envelope (expected { v: 1, kind, name, payload, ... }); it was not run.`,
    { details: { job: jobName } },
  );
}
