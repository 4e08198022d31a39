import type { ClaimedJob, NewJob, PushResult, QueueInstrumentation } from '@ody/queue';
import { context, isSpanContextValid, propagation, ROOT_CONTEXT, type Span, type SpanContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { installQueueInstrumentation } from './compose.js';
import { activeTracer, isThenable, recordError, recordGetter } from './tracer.js';

const setter = {
  set(carrier: Record<string, string>, key: string, value: string) {
    carrier[key] = value;
  },
};

/**
 * Queue instrumentation: a PRODUCER span per push (`send <queue>`) that injects the W3C trace context
 * into each job's `meta` (stored by every driver), and a CONSUMER span per attempt
 * (`process <queue>`) whose parent is the context extracted from the job, with messaging
 * semantic-convention attributes (system `ody`, driver, destination, operation, message id) and
 * `messaging.ody.attempt`. Every attempt of a job is a child of its push, so retries of one job share
 * the producer span as parent and stay in one trace; attempt N > 1 also has a span link to the first
 * attempt's CONSUMER span (its context is kept in the job's meta under `ody-first-attempt`, on drivers
 * that hand the claimed meta back on retry). Nothing happens while no SDK is registered.
 */
export function queueTracing(): Required<QueueInstrumentation> {
  return {
    push(queue: string, driver: string, jobs: NewJob[], send: () => Promise<PushResult[]>): Promise<PushResult[]> {
      const tracer = activeTracer();
      if (tracer === undefined) return send();
      const first = jobs[0];
      const span = tracer.startSpan(`send ${queue}`, {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'ody',
          'messaging.ody.driver': driver,
          'messaging.destination.name': queue,
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          ...(jobs.length === 1 && first !== undefined
            ? { 'messaging.message.id': first.id, 'messaging.ody.job.name': first.name }
            : { 'messaging.batch.message_count': jobs.length }),
        },
      });
      const active = trace.setSpan(context.active(), span);
      for (const job of jobs) {
        const meta: Record<string, string> = { ...job.meta };
        propagation.inject(active, meta, setter);
        job.meta = meta;
      }
      return context.with(active, send).then(
        (results) => {
          if (results.length === 1 && results[0]!.added === false) span.setAttribute('messaging.ody.deduplicated', true);
          span.end();
          return results;
        },
        (error: unknown) => {
          recordError(span, error);
          span.end();
          throw error;
        },
      );
    },
    run(queue: string, driver: string, job: ClaimedJob, run: () => unknown): unknown {
      const tracer = activeTracer();
      if (tracer === undefined) return run();
      const parent = job.meta === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, job.meta, recordGetter);
      const attempt = job.attemptsMade + 1;
      const first = attempt > 1 ? firstAttempt(job.meta) : undefined;
      const span = tracer.startSpan(
        `process ${queue}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'ody',
            'messaging.ody.driver': driver,
            'messaging.destination.name': queue,
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.message.id': job.id,
            'messaging.ody.job.name': job.name,
            'messaging.ody.attempt': attempt,
            'messaging.ody.max_attempts': job.attempts,
            ...(job.stalls > 0 ? { 'messaging.ody.stalls': job.stalls } : {}),
          },
          ...(first === undefined ? {} : { links: [{ context: first, attributes: { 'messaging.ody.link': 'first_attempt' } }] }),
        },
        parent,
      );
      // Remember the first attempt in the job's meta (in place: drivers that keep the claimed meta hand
      // it back on the next attempt), so a retry links to it.
      if (attempt === 1 && job.meta !== undefined) rememberFirstAttempt(job.meta, span);
      let value: unknown;
      try {
        value = context.with(trace.setSpan(parent, span), run);
      } catch (error) {
        failed(span, error, attempt, job.attempts);
        throw error;
      }
      if (!isThenable(value)) {
        span.end();
        return value;
      }
      return Promise.resolve(value).then(
        (result) => {
          span.end();
          return result;
        },
        (error: unknown) => {
          failed(span, error, attempt, job.attempts);
          throw error;
        },
      );
    },
  };
}

/** Key in a job's meta holding the first attempt's CONSUMER span context (`traceId-spanId-flags`). */
export const FIRST_ATTEMPT_META = 'ody-first-attempt';

function rememberFirstAttempt(meta: Record<string, string>, span: Span): void {
  const c = span.spanContext();
  meta[FIRST_ATTEMPT_META] = `${c.traceId}-${c.spanId}-${c.traceFlags.toString(16).padStart(2, '0')}`;
}

function firstAttempt(meta: Readonly<Record<string, string>> | undefined): SpanContext | undefined {
  const value = meta?.[FIRST_ATTEMPT_META];
  if (value === undefined) return undefined;
  const [traceId, spanId, flags] = value.split('-');
  if (traceId === undefined || spanId === undefined) return undefined;
  const c: SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags ?? '0', 16) || 0, isRemote: true };
  return isSpanContextValid(c) ? c : undefined;
}

function failed(span: Span, error: unknown, attempt: number, attempts: number): void {
  const unrecoverable = (error as { code?: unknown } | null)?.code === 'ODY_QUEUE_UNRECOVERABLE';
  recordError(span, error, { 'messaging.ody.will_retry': !unrecoverable && attempt < attempts });
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end();
}

/**
 * Install queue tracing process-wide (see queueTracing); returns a function that removes it again.
 * otelPlugin calls this for you.
 */
export function installQueueTracing(): () => void {
  return installQueueInstrumentation(queueTracing());
}
