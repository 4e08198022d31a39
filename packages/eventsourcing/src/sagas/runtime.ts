import type { Queue } from '@ody/queue';
import { EventSourcingError, VersionConflictError } from '../errors.js';
import type { AsyncProjection } from '../projections/async.js';
import type { EventStore, RecordedEvent } from '../store/types.js';
import type { Saga, SagaMessage, SagaStep, ScheduledTimeout } from './types.js';

/** Where a saga's commands and timeouts go. Both must be idempotent by id (a step may be resent after a crash). */
export interface SagaRuntimeOptions {
  store: EventStore;
  /** Send a command; `commandId` is stable across resends (use it as an idempotency key). */
  dispatch(command: object, meta: { commandId: string; saga: string; key: string }): Promise<unknown>;
  /** Schedule a timeout (see `queueTimeouts`); required when a saga asks for timeouts. */
  schedule?(timeout: ScheduledTimeout): Promise<void>;
}

const STEP = 'SagaStepped';

/**
 * Runs sagas. Each message is handled as: load the saga stream; if this message already made a step
 * (a crash came after the append), resend that step's commands and timeouts with their original ids;
 * otherwise react, append the step with the loaded version as expected version, then send. So after
 * a SIGKILL a step is neither lost (the event is re-read, its checkpoint never moved) nor doubled (the
 * step is found by its cause; commands carry the same ids).
 */
export class SagaRuntime {
  constructor(
    private readonly sagas: readonly Saga<unknown>[],
    private readonly options: SagaRuntimeOptions,
  ) {}

  /** The stream holding one saga instance. */
  static streamOf(saga: string, key: string): string {
    return `saga-${saga}-${key}`;
  }

  /** An async projection feeding every saga; run it with a ProjectionRunner (checkpointed, retried). */
  projection(name = 'sagas'): AsyncProjection {
    const types = [...new Set(this.sagas.flatMap((s) => s.types))];
    return {
      name,
      filter: { types },
      handle: async (events) => {
        for (const e of events) await this.handleEvent(e);
      },
    };
  }

  /** Feed one stored event to every saga that reacts to it. */
  async handleEvent(event: RecordedEvent): Promise<void> {
    for (const saga of this.sagas) {
      if (!saga.types.includes(event.type)) continue;
      const key = saga.correlate(event);
      if (key === undefined) continue;
      await this.step(saga, key, { id: event.id, type: event.type, data: event.data, event });
    }
  }

  /** Deliver a fired timeout to its saga. */
  async fireTimeout(timeout: ScheduledTimeout): Promise<void> {
    const saga = this.sagas.find((s) => s.name === timeout.saga);
    if (saga === undefined) return;
    await this.step(saga, timeout.key, { id: timeout.id, type: `$timeout:${timeout.name}`, data: timeout.data });
  }

  /** The steps a saga instance has taken, oldest first. */
  async steps<S>(saga: string, key: string): Promise<SagaStep<S>[]> {
    const events = await this.options.store.read(SagaRuntime.streamOf(saga, key));
    return events.filter((e) => e.type === STEP).map((e) => e.data as SagaStep<S>);
  }

  private async step(saga: Saga<unknown>, key: string, message: SagaMessage): Promise<void> {
    const stream = SagaRuntime.streamOf(saga.name, key);
    for (;;) {
      const history = await this.options.store.read(stream);
      const steps = history.map((e) => e.data as SagaStep);
      const done = steps.find((s) => s.cause === message.id);
      if (done !== undefined) return this.send(saga, key, done);
      const last = steps.at(-1);
      if (last?.done) return;
      const reaction = saga.react(last === undefined ? saga.initialState() : last.state, message);
      const step: SagaStep = {
        cause: message.id,
        state: reaction.state,
        commands: (reaction.commands ?? []).map((command, i) => ({ id: `${message.id}:${saga.name}:${key}:c${i}`, command })),
        timeouts: (reaction.timeouts ?? []).map((t) => ({ ...t, id: `${message.id}:${saga.name}:${key}:t:${t.name}` })),
        done: reaction.done === true,
      };
      try {
        await this.options.store.append(stream, [{ type: STEP, data: step }], { expectedVersion: history.length === 0 ? 'no-stream' : history.at(-1)!.streamPosition });
      } catch (error) {
        if (VersionConflictError.isConflict(error)) continue; // another runner stepped first: re-read
        throw error;
      }
      return this.send(saga, key, step);
    }
  }

  private async send(saga: Saga<unknown>, key: string, step: SagaStep): Promise<void> {
    for (const c of step.commands) await this.options.dispatch(c.command, { commandId: c.id, saga: saga.name, key });
    if (step.timeouts.length > 0 && this.options.schedule === undefined) {
      throw new EventSourcingError('ODY_EVENTSOURCING_INVALID_ARGUMENT', `Saga '${saga.name}' scheduled a timeout but the SagaRuntime has no \`schedule\`; pass queueTimeouts(queue).schedule.`, {
        details: { saga: saga.name },
      });
    }
    for (const t of step.timeouts) await this.options.schedule!({ ...t, saga: saga.name, key });
  }
}

/**
 * Timeouts on a queue's delay: `schedule` pushes a delayed job whose id is the timeout id (a resend
 * does not enqueue it twice while it waits); run `handler` in a Worker on that queue.
 * @example
 * const timeouts = queueTimeouts(queue);
 * const runtime = new SagaRuntime([shipping], { store, dispatch, schedule: timeouts.schedule });
 * new Worker(queue, timeouts.handler(runtime));
 */
export function queueTimeouts(queue: Queue) {
  return {
    schedule: async (t: ScheduledTimeout): Promise<void> => {
      await queue.push('saga-timeout', t, { delayMs: t.afterMs, jobId: t.id });
    },
    handler:
      (runtime: SagaRuntime) =>
      (job: { data: unknown }): Promise<void> =>
        runtime.fireTimeout(job.data as ScheduledTimeout),
  };
}
