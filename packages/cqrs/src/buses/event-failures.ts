import { CqrsError } from '../errors.js';

/** One event handler that failed. */
export interface HandlerFailure {
  handler: string;
  error: unknown;
}

function describe(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) return { message: error.message, code: (error as { code?: string }).code };
  return { message: String(error) };
}

/** One error listing every failed handler of an event, with the originals in an AggregateError cause. */
export function eventFailure(event: string, failures: readonly HandlerFailure[]): CqrsError {
  const list = failures.map((f) => `${f.handler} (${describe(f.error).message})`).join(', ');
  return new CqrsError(
    'ODY_CQRS_EVENT_HANDLERS_FAILED',
    `${failures.length} handler${failures.length === 1 ? '' : 's'} of event '${event}' failed: ${list}.`,
    {
      cause: new AggregateError(failures.map((f) => f.error), `handlers of '${event}' failed`),
      details: { event, failures: failures.map((f) => ({ handler: f.handler, ...describe(f.error) })) },
    },
  );
}
