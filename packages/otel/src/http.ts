import type { HttpContext, Middleware } from '@ody/http';
import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { answerStatus } from './status.js';
import { activeTracer, errorType, recordGetter } from './tracer.js';

/** Options of httpTracing(). */
export interface HttpTracingOptions {
  /** Request headers recorded as `http.request.header.<name>` attributes (lower-case names). Default none. */
  requestHeaders?: readonly string[];
  /** Return false to make no span for a request (e.g. the metrics route). */
  filter?: (ctx: HttpContext) => boolean;
}

function hostOf(host: string | undefined): { address?: string; port?: number } {
  if (host === undefined) return {};
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (m === null) return {};
  return m[2] === undefined ? { address: m[1]! } : { address: m[1]!, port: Number(m[2]) };
}

function finish(span: Span, ctx: HttpContext, error: unknown, failed: boolean): void {
  const status = answerStatus(ctx, error, failed);
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', failed ? errorType(error) : String(status));
    if (failed && error instanceof Error) span.recordException(error);
  } else if (failed) {
    // A 4xx is the client's error, not the server's: no ERROR status (HTTP semantic conventions).
    span.setAttribute('error.type', errorType(error));
  }
  span.end();
}

/**
 * HTTP middleware: one SERVER span per request on either engine (and `server.inject`). Continues the
 * caller's trace from W3C `traceparent`/`tracestate`, names the span `METHOD /route/:template`, sets
 * the HTTP semantic-convention attributes and records the status (5xx and throws as errors). The rest
 * of the pipeline runs inside the span, so bus, queue and log work below it joins the trace. Without a
 * registered OpenTelemetry SDK it only calls `next()`.
 * @example
 * httpPlugin({ middleware: [httpTracing(), requestId()] });
 */
export function httpTracing(options: HttpTracingOptions = {}): Middleware {
  const headers = options.requestHeaders ?? [];
  const filter = options.filter;
  return (ctx, next) => {
    const tracer = activeTracer();
    if (tracer === undefined || (filter !== undefined && !filter(ctx))) return next();
    const parent = propagation.extract(ROOT_CONTEXT, ctx.headers, recordGetter);
    const route = ctx.route;
    const host = hostOf(ctx.headers.host);
    const span = tracer.startSpan(
      route === undefined ? ctx.method : `${ctx.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': ctx.method,
          'url.path': ctx.path,
          'url.scheme': 'http',
          'network.protocol.version': '1.1',
          ...(route === undefined ? {} : { 'http.route': route }),
          ...(ctx.querystring === '' ? {} : { 'url.query': ctx.querystring }),
          ...(host.address === undefined ? {} : { 'server.address': host.address }),
          ...(host.port === undefined ? {} : { 'server.port': host.port }),
          ...(ctx.headers['user-agent'] === undefined ? {} : { 'user_agent.original': ctx.headers['user-agent'] }),
        },
      },
      parent,
    );
    for (const name of headers) {
      const value = ctx.headers[name];
      if (value !== undefined) span.setAttribute(`http.request.header.${name}`, [value]);
    }
    const client = ctx.ip;
    if (client !== '') span.setAttribute('client.address', client);
    return context.with(trace.setSpan(parent, span), () => {
      let result: Promise<void>;
      try {
        result = next();
      } catch (error) {
        finish(span, ctx, error, true);
        throw error;
      }
      return result.then(
        () => finish(span, ctx, undefined, false),
        (error: unknown) => {
          finish(span, ctx, error, true);
          throw error;
        },
      );
    });
  };
}
