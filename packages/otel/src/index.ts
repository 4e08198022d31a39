export { composeQueueInstrumentation, installQueueInstrumentation } from './compose.js';
export { type OtelConfig, type OtelSettings, otelConfigSchema } from './config.js';
export { busTracing } from './cqrs.js';
export { errorCodes as otelErrorCodes, OtelError, type OtelErrorCode } from './errors.js';
export { type HealthCheck, type HealthOptions, type HealthReport, HealthRegistry, httpCheck, queueCheck, type ReadinessReport } from './health.js';
export { type HttpTracingOptions, httpTracing } from './http.js';
export { createMetrics, type MetricsOptions, OdyMetrics } from './metrics.js';
export { Health, Metrics, type OtelPluginOptions, otelPlugin } from './plugin.js';
export { traceProcessManager } from './process-manager.js';
export {
  contextHeaders,
  installProcessPropagation,
  installTaskPropagation,
  processPropagation,
  runWithContextHeaders,
  taskPropagation,
} from './propagation.js';
export { installQueueTracing, queueTracing } from './queue.js';
export { activeTracer, TRACER_NAME, tracingEnabled } from './tracer.js';
export { traceTaskPool } from './task.js';
export { traceBroadcaster } from './websocket.js';
