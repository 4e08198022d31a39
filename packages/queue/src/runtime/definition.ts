import type { PushOptions } from '../contract/job.js';

/**
 * A queue declared once with its payload type; pass it to `queues.queue()` and `queues.process()` and
 * `job.data` and `push()` are typed by `T` everywhere.
 * @example
 * export const emails = defineQueue<{ to: string }>('emails');
 * await app.get(Queues).queue(emails).push('welcome', { to: 'a@b.co' });
 * queues.process(emails, (job) => send(job.data.to));
 */
export interface QueueDefinition<T = unknown> {
  readonly name: string;
  /** Options merged under every push's options. */
  readonly defaults?: PushOptions;
  /** Compile-time only: the payload type (never set at run time). */
  readonly payload?: T;
}

/** Declare a queue and the type of its payloads. */
export function defineQueue<T>(name: string, options: { defaults?: PushOptions } = {}): QueueDefinition<T> {
  return Object.freeze({ name, ...(options.defaults === undefined ? {} : { defaults: options.defaults }) });
}
