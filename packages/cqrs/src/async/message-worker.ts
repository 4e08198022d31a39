import { OdyError, runInContext } from '@ody/core';
import { type FailReason, isUnrecoverable, type Job, type JobError, UnrecoverableError } from '@ody/queue';
import type { Buses } from '../buses/create.js';
import type { PlainMessage } from '../messages/message.js';
import { stampMessage } from '../middleware/correlation.js';
import { type CommandEnvelope, type EventEnvelope, parseEnvelope } from './envelope.js';
import { recordError } from './recorded-error.js';
import { type CommandStatusEmitter, emitIfApplied } from './status-events.js';
import type { CommandStatusStore, StatusPatch } from './status-store.js';
import type { CommandRecord } from './types.js';

/** Errors that no retry can fix: the queue's UnrecoverableError and our validation / unknown-type errors. */
function isPermanent(err: unknown): boolean {
  return isUnrecoverable(err) || OdyError.is(err, 'ODY_CQRS_VALIDATION') || OdyError.is(err, 'ODY_CQRS_UNKNOWN_MESSAGE');
}

/** Rethrow a permanent error as UnrecoverableError so the queue fails the job without retrying. */
function asQueueError(err: unknown): unknown {
  if (!isPermanent(err) || isUnrecoverable(err)) return err;
  const e = err as OdyError;
  return new UnrecoverableError(`${e.code}: ${e.message}`, { cause: err, details: e.details });
}

/**
 * The queue-job handler of async commands and async event handlers. Builds only registered types
 * from validated payloads, runs them through the same bus pipeline, and keeps the status record:
 * queued → running → succeeded(result) | failed(error, attempts), with `queued` again between retries.
 */
export class MessageWorker {
  constructor(
    private readonly buses: Buses,
    private readonly store: CommandStatusStore,
    /** Told of every transition this worker stores (the plugin publishes them on WebSocket channels). */
    private readonly events?: CommandStatusEmitter,
  ) {}

  /** Store a transition and tell the status listeners when it was applied. */
  private async transition(id: string, patch: StatusPatch, base?: CommandRecord): Promise<CommandRecord | undefined> {
    const stored = await this.store.update(id, patch, base);
    emitIfApplied(this.events, stored, patch);
    return stored;
  }

  /** The queue Worker handler. */
  readonly handle = (job: Job<unknown>): Promise<unknown> => {
    const envelope = parseEnvelope(job.data, job.name);
    return envelope.kind === 'command' ? this.runCommand(job, envelope) : this.runEvent(envelope);
  };

  /**
   * Record failures the handler could not see (timeouts, stalls, undecodable jobs); call from the
   * Worker's 'failed' event. Never overwrites a finished record.
   */
  async onJobFailed(id: string, error: JobError, reason: FailReason): Promise<void> {
    const record = await this.store.get(id);
    if (record === undefined || record.state === 'succeeded' || record.state === 'failed') return;
    await this.transition(id, {
      state: 'failed',
      attempts: Math.max(record.attempts, error.attempt),
      error: { name: error.name, message: error.message, ...(error.code ? { code: error.code } : {}), details: { reason } },
    });
  }

  private async runCommand(job: Job<unknown>, envelope: CommandEnvelope): Promise<unknown> {
    const id = envelope.commandId;
    const running = await this.transition(id, { state: 'running', attempts: job.attempt }, baseRecord(job, envelope));
    // Redelivered after the result was stored (the worker died before acknowledging): done already.
    if (running?.state === 'succeeded') return running.result;
    try {
      const command = this.buses.registry.build(envelope.name, envelope.payload, 'command');
      stampMessage(command, { id, correlationId: envelope.correlationId, causationId: envelope.causationId });
      const result = await runInContext({ correlationId: envelope.correlationId, causationId: id }, () =>
        this.buses.commandBus.execute(command as PlainMessage),
      );
      await this.transition(id, { state: 'succeeded', attempts: job.attempt, result: result ?? null });
      return result;
    } catch (err) {
      const final = isPermanent(err) || job.attempt >= job.maxAttempts;
      await this.transition(id, { state: final ? 'failed' : 'queued', attempts: job.attempt, error: recordError(err) });
      throw asQueueError(err);
    }
  }

  private async runEvent(envelope: EventEnvelope): Promise<unknown> {
    try {
      const route = this.buses.eventBus.routesOf(envelope.name).find((r) => r.info.handler === envelope.handler);
      if (route === undefined) {
        throw new UnrecoverableError(`No handler '${envelope.handler}' of event '${envelope.name}' is registered in this worker.`, {
          details: { event: envelope.name, handler: envelope.handler },
        });
      }
      const event = this.buses.registry.build(envelope.name, envelope.payload, 'event');
      stampMessage(event, { id: envelope.eventId, correlationId: envelope.correlationId, causationId: envelope.causationId });
      return await runInContext({ correlationId: envelope.correlationId, causationId: envelope.eventId }, () => route.run(event));
    } catch (err) {
      throw asQueueError(err);
    }
  }
}

/** The `queued` record a dispatch would have written, rebuilt from the job (when the dispatcher died before writing it). */
function baseRecord(job: Job<unknown>, e: CommandEnvelope): CommandRecord {
  return {
    id: e.commandId,
    name: e.name,
    queue: job.queue,
    state: 'queued',
    attempts: 0,
    correlationId: e.correlationId,
    createdAt: job.createdAt,
    updatedAt: job.createdAt,
    ...(e.causationId === undefined ? {} : { causationId: e.causationId }),
    ...(e.idempotencyKey === undefined ? {} : { idempotencyKey: e.idempotencyKey }),
  };
}
