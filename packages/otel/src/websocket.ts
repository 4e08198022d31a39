import type { Broadcaster, PublishOptions } from '@ody/websocket';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { activeTracer, recordError } from './tracer.js';

/** A Broadcaster that may count this server's subscribers of a channel (the WebSocket hub does). */
type CountingBroadcaster = Broadcaster & { localSubscriberCount?(channel: string): number };

/**
 * Wrap a Broadcaster so each publish is a PRODUCER span `publish <channel>` (child of the active
 * span: the HTTP request, the command handler), with the channel, the event and the number of
 * recipients connected to this server (`messaging.ody.websocket.local_recipients`; subscribers on
 * other workers or nodes are reached through the adapter and not counted). `onPublish` is called for
 * every publish (metrics). Without an SDK, publish goes straight through.
 * @example
 * const broadcaster = traceBroadcaster(app.get(Broadcaster));
 */
export function traceBroadcaster(inner: CountingBroadcaster, onPublish?: (channel: string) => void): Broadcaster {
  return {
    publish(channel: string, event: string, data?: unknown, options?: PublishOptions): void {
      onPublish?.(channel);
      const tracer = activeTracer();
      if (tracer === undefined) {
        inner.publish(channel, event, data, options);
        return;
      }
      const span = tracer.startSpan(`publish ${channel}`, {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'ody',
          'messaging.ody.transport': 'websocket',
          'messaging.destination.name': channel,
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'publish',
          'messaging.ody.websocket.event': event,
          ...(typeof inner.localSubscriberCount === 'function' ? { 'messaging.ody.websocket.local_recipients': inner.localSubscriberCount(channel) } : {}),
        },
      });
      try {
        context.with(trace.setSpan(context.active(), span), () => inner.publish(channel, event, data, options));
      } catch (error) {
        recordError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
    members: (channel) => inner.members(channel),
    connectionCount: () => inner.connectionCount(),
  };
}
