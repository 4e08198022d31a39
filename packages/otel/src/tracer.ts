import { type Attributes, type Span, SpanStatusCode, type TextMapGetter, type Tracer, trace } from '@opentelemetry/api';

/** Instrumentation scope of every span @ody/otel makes. */
export const TRACER_NAME = '@ody/otel';

let cached: Tracer | undefined;

interface MaybeProxy {
  getDelegateTracer?(name: string): Tracer | undefined;
}

/**
 * The tracer, or undefined while no OpenTelemetry SDK is registered: instrumentation then does
 * nothing at all (no span objects, no context copies). Once an SDK is seen the API's proxy tracer is
 * kept; it follows whatever provider is registered later.
 */
export function activeTracer(): Tracer | undefined {
  if (cached !== undefined) return cached;
  const provider = trace.getTracerProvider() as MaybeProxy;
  // The API's global provider is a proxy: it has a delegate only once an SDK registered one.
  if (typeof provider.getDelegateTracer === 'function' && provider.getDelegateTracer(TRACER_NAME) === undefined) return undefined;
  cached = trace.getTracer(TRACER_NAME);
  return cached;
}

/** True when an OpenTelemetry SDK is registered (spans are made). */
export function tracingEnabled(): boolean {
  return activeTracer() !== undefined;
}

/** Reads W3C trace headers from a plain string record (HTTP headers, job meta). */
export const recordGetter: TextMapGetter<Readonly<Record<string, string>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** Record a thrown value on a span: exception event, ERROR status, `error.type`. */
export function recordError(span: Span, error: unknown, attributes?: Attributes): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  span.setAttribute('error.type', errorType(error));
  if (attributes !== undefined) span.setAttributes(attributes);
}

/** The `error.type` of a thrown value: an Ody error's code, else the class name. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return '_OTHER';
}

/** Whether a value is a promise-like (handlers may return values synchronously). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}
