import type { ProcessManager } from '@ody/process';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { activeTracer, recordError } from './tracer.js';

/**
 * Wrap a ProcessManager so each `request` to a supervised process is a CLIENT span
 * `process.request <name>` in the calling trace (`ody.process.name`, `ody.process.instance`); a failed
 * or timed-out request marks it as an error. The child is not traced. Every other method is the
 * manager's own. Without an SDK, requests go straight through.
 */
export function traceProcessManager<M extends ProcessManager>(inner: M): M {
  const request: ProcessManager['request'] = (target, message, options) => {
    const tracer = activeTracer();
    if (tracer === undefined) return inner.request(target, message, options);
    const name = typeof target === 'string' ? target : (target as { name: string }).name;
    const span = tracer.startSpan(`process.request ${name}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'ody.process.name': name, 'ody.process.instance': options?.instance ?? 0 },
    });
    let pending: Promise<unknown>;
    try {
      pending = context.with(trace.setSpan(context.active(), span), () => inner.request(target, message, options));
    } catch (error) {
      recordError(span, error);
      span.end();
      throw error;
    }
    return pending.then(
      (reply) => {
        span.end();
        return reply;
      },
      (error: unknown) => {
        recordError(span, error);
        span.end();
        throw error;
      },
    ) as never;
  };
  return new Proxy(inner, {
    get(target, key) {
      if (key === 'request') return request;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
