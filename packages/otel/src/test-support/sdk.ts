import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** The official SDK with an in-memory exporter, registered globally (AsyncLocalStorage context, W3C propagator). */
export function registerTestSdk(): { exporter: InMemorySpanExporter; provider: NodeTracerProvider } {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  return { exporter, provider };
}

/** Finished spans of one trace. */
export function spansOf(exporter: InMemorySpanExporter, traceId: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
}

/** The span named `name`, or undefined. */
export function named(spans: readonly ReadableSpan[], name: string): ReadableSpan | undefined {
  return spans.find((s) => s.name === name);
}

/** Whether `child`'s parent is `parent`. */
export function isChildOf(child: ReadableSpan | undefined, parent: ReadableSpan | undefined): boolean {
  return child !== undefined && parent !== undefined && child.parentSpanContext?.spanId === parent.spanContext().spanId;
}

/** A finished span as it crosses a thread or process boundary in the tests. */
export interface PlainSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
}

/** The cloneable shape of a finished span. */
export function plainSpan(s: ReadableSpan): PlainSpan {
  return {
    name: s.name,
    kind: s.kind,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    attributes: { ...s.attributes },
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
  };
}

/**
 * Register the official SDK in this thread or child process with an exporter that hands each finished
 * span (as a PlainSpan) to `send`.
 */
export function registerForwardingSdk(send: (span: PlainSpan) => void): NodeTracerProvider {
  const provider = new NodeTracerProvider({
    spanProcessors: [
      new SimpleSpanProcessor({
        export(spans, done) {
          for (const s of spans) send(plainSpan(s));
          done({ code: 0 });
        },
        shutdown: async () => {},
      }),
    ],
  });
  provider.register();
  return provider;
}
