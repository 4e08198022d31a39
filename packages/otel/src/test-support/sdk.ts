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
