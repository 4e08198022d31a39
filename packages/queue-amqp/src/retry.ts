import { AMQPError } from 'rabbitmq-client';
import { QueueAmqpError } from './errors.js';

/** Channel-level refusals that retrying cannot fix (the broker answered: arguments, permissions, missing). */
const FINAL = new Set([
  'PRECONDITION_FAILED', 'ACCESS_REFUSED', 'NOT_FOUND', 'RESOURCE_LOCKED', 'NOT_ALLOWED', 'NOT_IMPLEMENTED',
  'COMMAND_INVALID', 'VERSION_MISMATCH',
  'CLOSING', // the driver is being closed
]);

/** True when an error means "the connection was lost or is not up yet" (worth waiting for the reconnect). */
export function isConnectionLoss(err: unknown): boolean {
  return err instanceof AMQPError && !FINAL.has(err.code);
}

/**
 * Run `op`; while it fails because the connection is down, wait for the reconnect and run it again, for
 * at most `timeoutMs`; then throw ODY_QUEUE_AMQP_UNREACHABLE. Other errors are thrown at once.
 */
export async function whileConnecting<T>(what: string, timeoutMs: number, op: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new QueueAmqpError(
          'ODY_QUEUE_AMQP_UNREACHABLE',
          `RabbitMQ was unreachable for ${timeoutMs} ms while ${what} (${(err as Error).message}). Check the broker and the URL, or raise pushTimeoutMs.`,
          { cause: err, details: { what, timeoutMs } },
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 1000, left)));
    }
  }
}
