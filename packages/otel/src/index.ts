export { busTracing } from './cqrs.js';
export { errorCodes, OtelError, type OtelErrorCode } from './errors.js';
export { type HttpTracingOptions, httpTracing } from './http.js';
export { type OtelPluginOptions, otelPlugin } from './plugin.js';
export { installQueueTracing, queueTracing } from './queue.js';
export { activeTracer, TRACER_NAME, tracingEnabled } from './tracer.js';
