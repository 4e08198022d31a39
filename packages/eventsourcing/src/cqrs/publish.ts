import { type EventBus, stampMessage } from '@ody/cqrs';
import type { Queue } from '@ody/queue';
import type { RecordedEvent } from '../store/types.js';

/**
 * A stored event as an EventBus message: a registered event class or definition is built from the
 * data through the bus's message registry (schema-checked, never a class named by the payload);
 * otherwise a plain `{ type, ...data }`. The event id, correlation and causation ids are stamped so
 * `messageMeta(message)` returns them in handlers.
 */
export function toBusMessage(bus: EventBus, event: RecordedEvent): object {
  const data = event.data;
  const plainData = typeof data === 'object' && data !== null && !Array.isArray(data);
  const registered = bus.registry.get(event.type);
  const message =
    registered !== undefined && registered.kind === 'event' && plainData
      ? bus.registry.build(event.type, data, 'event')
      : plainData
        ? { ...(data as object), type: event.type }
        : { type: event.type, data };
  stampMessage(message, {
    id: event.id,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
  });
  return message;
}

/** Publish stored events on the EventBus in order, each awaited before the next. */
export async function publishToBus(bus: EventBus, events: readonly RecordedEvent[]): Promise<void> {
  for (const e of events) await bus.publish(toBusMessage(bus, e));
}

/**
 * Push stored events onto a queue for async consumers: job name = event type, payload = the recorded
 * event, job id = event id (so a retried publish does not enqueue an event twice while it waits).
 */
export async function pushToQueue(queue: Queue, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await queue.pushBulk(events.map((e) => ({ name: e.type, payload: e, options: { jobId: e.id } })));
}
