import type { BusMiddleware } from '@ody/cqrs';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { activeTracer, recordError } from './tracer.js';

/**
 * Bus middleware: one INTERNAL span per command, query or event handled (`command PlaceOrder`), with
 * `ody.message.kind`, `ody.message.name`, `ody.message.handler`. It is a child of whatever span is
 * active (the HTTP request, or the queue CONSUMER span of an async command), and the handler runs
 * inside it. Nothing happens while no SDK is registered.
 * @example
 * cqrsPlugin({ middleware: { command: [busTracing()], query: [busTracing()], event: [busTracing()] } });
 */
export function busTracing(): BusMiddleware {
  return (message, next, info) => {
    const tracer = activeTracer();
    if (tracer === undefined) return next(message);
    const span = tracer.startSpan(`${info.kind} ${info.name}`, {
      kind: SpanKind.INTERNAL,
      attributes: { 'ody.message.kind': info.kind, 'ody.message.name': info.name, 'ody.message.handler': info.handler },
    });
    let pending: Promise<unknown>;
    try {
      pending = context.with(trace.setSpan(context.active(), span), () => next(message));
    } catch (error) {
      recordError(span, error);
      span.end();
      throw error;
    }
    return pending.then(
      (result) => {
        span.end();
        return result;
      },
      (error: unknown) => {
        recordError(span, error);
        span.end();
        throw error;
      },
    );
  };
}
