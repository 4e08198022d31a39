import type { JobBackoff } from '@ody/queue';
import { currentContext, newId } from '@ody/core';
import type { Queue } from '@ody/queue';
import type { Buses } from '../buses/create.js';
import type { EventRoute } from '../buses/event-bus.js';
import { CqrsError } from '../errors.js';
import { nameOfMessage } from '../messages/keys.js';
import { stampMessage } from '../middleware/correlation.js';
import type { CommandEnvelope, EventEnvelope } from './envelope.js';
import type { AsyncRouting } from './routing.js';
import type { CommandStatusEmitter } from './status-events.js';
import type { CommandStatusStore } from './status-store.js';
import type { AsyncCommandPort, CommandRecord, DispatchOptions, DispatchReceipt, WaitOptions } from './types.js';

/** cqrs keeps the stored backoff shape in its config; push options take a JobBackoff (durations in ms). */
import { failedCommandError, waitForRecord } from './wait.js';

/** Options of AsyncCommands. */
export interface AsyncCommandsOptions {
  buses: Buses;
  store: CommandStatusStore;
  routing: AsyncRouting;
  /** The queue of a name (`app.get(Queues).get`). */
  queueFor: (name: string) => Queue;
  /** Queue of async event handlers that name none. */
  eventQueue: string;
  /** Attempts and backoff of async event handler jobs. */
  eventRetry: { attempts: number; backoff: number | JobBackoff };
  /** Default wait() timeout in ms. */
  waitTimeoutMs?: number;
  /** Told of the `queued` record of each new command. */
  events?: CommandStatusEmitter;
}

/**
 * The producer side of async commands and events: dispatch (key claim, queue push, status record),
 * status, wait, and enqueueing events for async handlers. Attached to the buses by the plugin.
 */
export class AsyncCommands implements AsyncCommandPort {
  constructor(private readonly o: AsyncCommandsOptions) {
    o.buses.commandBus.attachAsync(this);
    o.buses.eventBus.attachAsync((event, route) => this.enqueueEvent(event, route));
  }

  isAsync(name: string): boolean {
    return this.o.routing.routeOf(name) !== undefined;
  }

  async dispatch(command: object, options: DispatchOptions = {}): Promise<DispatchReceipt> {
    const { registry } = this.o.buses;
    const { name, payload } = registry.serialize(command);
    const route = this.o.routing.routeOf(name);
    if (route === undefined) {
      throw new CqrsError('ODY_CQRS_NOT_ASYNC', `Command '${name}' is not routed to a queue; mark it @Async({ queue }) or add it to cqrs.routes, or call execute().`, {
        details: { message: name },
      });
    }
    // Validate now, so a bad command fails in the caller and not later in a worker.
    registry.build(name, payload, 'command');
    const key = options.idempotencyKey;
    let id = newId();
    let duplicate = false;
    if (key !== undefined) {
      const owner = await this.o.store.claimKey(key, id);
      if (owner !== id) {
        const existing = await this.o.store.get(owner);
        if (existing !== undefined) return { commandId: owner, status: existing.state, duplicate: true };
        // Claimed, but no record yet: the first dispatch is in flight or died before pushing. Push
        // under the same id (the queue dedupes a live job id), so the command is queued exactly once.
        id = owner;
        duplicate = true;
      }
    }
    const ctx = currentContext();
    const now = Date.now();
    const record: CommandRecord = {
      id,
      name,
      queue: options.queue ?? route.queue,
      state: 'queued',
      attempts: 0,
      correlationId: ctx?.correlationId ?? newId(),
      createdAt: now,
      updatedAt: now,
      ...(ctx?.causationId === undefined ? {} : { causationId: ctx.causationId }),
      ...(key === undefined ? {} : { idempotencyKey: key }),
    };
    const envelope: CommandEnvelope = {
      v: 1,
      kind: 'command',
      commandId: id,
      name,
      payload,
      correlationId: record.correlationId,
      ...(record.causationId === undefined ? {} : { causationId: record.causationId }),
      ...(key === undefined ? {} : { idempotencyKey: key }),
    };
    // Push first, then record: a crash in between leaves a job without a record, which the worker
    // re-creates from the envelope; never a `queued` record without a job. create() does not
    // overwrite a record a fast worker already wrote.
    await this.o.queueFor(record.queue).push(name, envelope, {
      jobId: id,
      attempts: route.attempts,
      backoff: route.backoff,
      timeoutMs: route.timeoutMs,
      ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    });
    const { record: stored, created } = await this.o.store.create(record);
    if (created) this.o.events?.emit('status', stored);
    // A fresh dispatch answers 'queued' (accepted), even when a fast worker already moved it on.
    return { commandId: id, status: duplicate ? stored.state : 'queued', duplicate };
  }

  status(commandId: string): Promise<CommandRecord | undefined> {
    return this.o.store.get(commandId);
  }

  async wait(commandId: string, options: WaitOptions = {}): Promise<unknown> {
    const record = await waitForRecord(this.o.store, commandId, options.timeoutMs ?? this.o.waitTimeoutMs ?? 30_000);
    if (record.state === 'failed') throw failedCommandError(record);
    return record.result;
  }

  /** Queue one event for one async handler; the worker runs that handler's pipeline. */
  private async enqueueEvent(event: object, route: EventRoute): Promise<unknown> {
    const { name, payload } = this.o.buses.registry.serialize(event);
    const meta = stampMessage(event);
    const envelope: EventEnvelope = {
      v: 1,
      kind: 'event',
      eventId: meta.id,
      name: nameOfMessage(event),
      handler: route.info.handler,
      payload,
      correlationId: meta.correlationId,
      ...(meta.causationId === undefined ? {} : { causationId: meta.causationId }),
    };
    return this.o.queueFor(route.queue ?? this.o.eventQueue).push(`${name}:${route.info.handler}`, envelope, {
      jobId: `${meta.id}-${route.info.handler.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
      attempts: this.o.eventRetry.attempts,
      backoff: this.o.eventRetry.backoff,
    });
  }
}
