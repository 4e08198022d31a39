import type { RecordedEvent } from '../store/types.js';

/** What a saga reacts to: a stored event, or one of its own timeouts firing (`type` = `$timeout:<name>`). */
export interface SagaMessage {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  /** The stored event, when the message is one. */
  readonly event?: RecordedEvent;
}

/** A timeout a saga asks for; it comes back as a `$timeout:<name>` message after `afterMs`. */
export interface SagaTimeout {
  readonly name: string;
  readonly afterMs: number;
  readonly data?: unknown;
}

/** What one reaction decided: the new state, commands to send, timeouts to schedule, whether it is finished. */
export interface SagaReaction<S> {
  readonly state: S;
  readonly commands?: readonly object[];
  readonly timeouts?: readonly SagaTimeout[];
  /** A finished saga ignores later messages. */
  readonly done?: boolean;
}

/**
 * A saga (process manager): state per correlation key, persisted as a stream in the event store;
 * it reacts to events and its own timeouts by sending commands.
 * @example
 * const shipping: Saga<{ paid: boolean }> = {
 *   name: 'shipping', types: ['OrderPlaced', 'PaymentReceived'],
 *   correlate: (e) => (e.data as { orderId: string }).orderId,
 *   initialState: () => ({ paid: false }),
 *   react: (s, m) => m.type === 'OrderPlaced'
 *     ? { state: s, timeouts: [{ name: 'payment', afterMs: 3_600_000 }] }
 *     : m.type === 'PaymentReceived' ? { state: { paid: true }, commands: [{ type: 'Ship' }], done: true }
 *     : { state: s, commands: [{ type: 'CancelOrder' }], done: true },
 * };
 */
export interface Saga<S = unknown> {
  readonly name: string;
  /** Event types that reach `react` (timeouts always do). */
  readonly types: readonly string[];
  /** The saga instance an event belongs to; undefined skips the event. */
  correlate(event: RecordedEvent): string | undefined;
  initialState(): S;
  react(state: S, message: SagaMessage): SagaReaction<S>;
}

/** One persisted step: what caused it and what it decided (with the ids commands and timeouts carry). */
export interface SagaStep<S = unknown> {
  readonly cause: string;
  readonly state: S;
  readonly commands: readonly { readonly id: string; readonly command: object }[];
  readonly timeouts: readonly (SagaTimeout & { readonly id: string })[];
  readonly done: boolean;
}

/** A timeout on its way to the scheduler. */
export interface ScheduledTimeout extends SagaTimeout {
  readonly id: string;
  readonly saga: string;
  readonly key: string;
}
