import { definePlugin, type Plugin, token } from '@ody/core';
import type { Middleware } from '@ody/http';
import type { QueueInstrumentation } from '@ody/queue';
import type { Broadcaster as BroadcasterType, WebSocketHubStats } from '@ody/websocket';
import { composeQueueInstrumentation, installQueueInstrumentation } from './compose.js';
import { type OtelConfig, type OtelSettings, otelConfigSchema } from './config.js';
import { busTracing } from './cqrs.js';
import { type HealthCheck, HealthRegistry, httpCheck, queueCheck } from './health.js';
import { type HttpTracingOptions, httpTracing } from './http.js';
import { loadPromClient, OdyMetrics } from './metrics.js';
import { queueTracing } from './queue.js';
import { traceProcessManager } from './process-manager.js';
import { installProcessPropagation, installTaskPropagation } from './propagation.js';
import { traceTaskPool } from './task.js';
import { AsyncRuntime, Broadcaster, CommandBus, EventBus, HttpServer, ProcessManager, QueryBus, Queues, Router, TaskPool, WorkerSupervisor } from './tokens.js';
import { traceBroadcaster } from './websocket.js';

/** DI token of the application's metrics (bound when `otel.metrics.enabled`): add your own to `registry`. */
export const Metrics = token<OdyMetrics>('@ody/otel/Metrics');
/** DI token of the readiness checks (bound when `otel.health.enabled`): `app.get(Health).add(name, check)`. */
export const Health = token<HealthRegistry>('@ody/otel/Health');

function countingBroadcaster(inner: BroadcasterType, metrics: OdyMetrics): BroadcasterType {
  return {
    publish(channel, event, data, options) {
      metrics.webSocketPublished();
      inner.publish(channel, event, data, options);
    },
    members: (channel) => inner.members(channel),
    connectionCount: () => inner.connectionCount(),
  };
}

/** Options of otelPlugin: the `otel` config section's settings, plus what only code can give. */
export interface OtelPluginOptions extends OtelSettings {
  /** Options of the HTTP SERVER spans (request headers to record, a filter). */
  httpTracing?: HttpTracingOptions;
  /** Readiness checks of your own, beside app, http and queue. */
  checks?: Readonly<Record<string, HealthCheck>>;
  /** Histogram buckets (seconds) of the HTTP and job duration metrics. */
  buckets?: number[];
}

/**
 * Observability for every Ody package that is loaded.
 * - Tracing (OpenTelemetry API): HTTP SERVER spans, queue PRODUCER/CONSUMER spans with the trace
 *   context carried in each job, spans per command/query/event. Spans exist once you register an
 *   OpenTelemetry SDK (README "See a trace"); until then each hook costs one check.
 * - Metrics (`otel.metrics.enabled`, prom-client): Prometheus text at `/metrics`.
 * - Health: `/livez` and `/readyz` (each check: app, http, queue, yours).
 * @example
 * createApplication({ plugins: [httpPlugin(), queuePlugin(), cqrsPlugin(), otelPlugin({ metrics: { enabled: true } })] });
 */
export function otelPlugin(options: OtelPluginOptions = {}): Plugin<typeof otelConfigSchema> {
  const { httpTracing: tracingOptions, checks, buckets, ...settings } = options;
  let uninstall: (() => void) | undefined;
  let stopCommandStates: (() => void) | undefined;
  const uninstallPropagation: Array<() => void> = [];
  let health: HealthRegistry | undefined;
  return definePlugin({
    name: 'otel',
    optionalDependsOn: ['http', 'queue', 'cqrs', 'websocket', 'task', 'process'],
    configSchema: otelConfigSchema,
    options: settings,
    async register(ctx) {
      const config: OtelConfig = ctx.config;
      const hasHttp = ctx.has(Router);
      const hasQueues = ctx.has(Queues);
      const quiet = new Set<string>();
      let metrics: OdyMetrics | undefined;
      if (config.metrics.enabled) {
        metrics = new OdyMetrics(await loadPromClient(), {
          defaultMetrics: config.metrics.defaultMetrics,
          queues: config.metrics.queues,
          ...(buckets ? { buckets } : {}),
        });
        if (hasQueues) metrics.watchQueues(ctx.get(Queues).driver);
        ctx.bind(Metrics).toValue(metrics);
      }
      if (config.health.enabled) {
        health = new HealthRegistry({ checkTimeoutMs: config.health.checkTimeoutMs, ...(checks ? { checks } : {}) });
        if (hasHttp) health.add('http', httpCheck(ctx.get(HttpServer), () => ctx.has(WorkerSupervisor)));
        if (hasQueues) health.add('queue', queueCheck(ctx.get(Queues).driver));
        ctx.bind(Health).toValue(health);
      }

      if (hasHttp) {
        const router = ctx.get(Router);
        const middleware: Middleware[] = [];
        if (metrics !== undefined) middleware.push(metrics.httpMiddleware());
        if (config.tracing) {
          const userFilter = tracingOptions?.filter;
          middleware.push(httpTracing({ ...tracingOptions, filter: (c) => !quiet.has(c.path) && (userFilter === undefined || userFilter(c)) }));
        }
        if (middleware.length > 0) router.use(...middleware);
        if (metrics !== undefined) {
          const m = metrics;
          quiet.add(config.metrics.path);
          router.get(config.metrics.path, async (c) => {
            const text = await m.text();
            c.header('content-type', m.contentType);
            return text;
          });
        }
        if (health !== undefined) {
          const h = health;
          quiet.add(config.health.livePath);
          quiet.add(config.health.readyPath);
          router.get(config.health.livePath, () => h.liveness());
          router.get(config.health.readyPath, async (c) => {
            const report = await h.readiness();
            c.header('cache-control', 'no-store');
            c.status(report.status === 'ready' ? 200 : 503);
            return report;
          });
        }
      }

      if (ctx.has(Broadcaster) && (config.tracing || metrics !== undefined)) {
        const inner = ctx.get(Broadcaster) as Parameters<typeof traceBroadcaster>[0] & { localConnectionCount?(): number };
        const m = metrics;
        if (m !== undefined && typeof inner.localConnectionCount === 'function') m.watchWebSocket(() => inner.localConnectionCount!());
        const hub = inner as { stats?(): WebSocketHubStats };
        if (m !== undefined && typeof hub.stats === 'function') m.watchWebSocketStats(() => hub.stats!());
        // Publishes through the Broadcaster token get a PRODUCER span (and are counted).
        ctx.rebind(Broadcaster).toValue(config.tracing ? traceBroadcaster(inner, m && (() => m.webSocketPublished())) : countingBroadcaster(inner, m!));
      }

      if (ctx.has(TaskPool) && (config.tracing || metrics !== undefined)) {
        const pool = ctx.get(TaskPool);
        if (metrics !== undefined) metrics.watchTaskPool(() => pool.stats());
        // Task runs through the TaskPool token get a span in the calling thread.
        if (config.tracing) ctx.rebind(TaskPool).toValue(traceTaskPool(pool));
      }
      // Trace and correlation context travel with each task and IPC request (the other side installs its half).
      if (config.tracing && ctx.has(TaskPool)) uninstallPropagation.push(installTaskPropagation());
      if (config.tracing && ctx.has(ProcessManager)) uninstallPropagation.push(installProcessPropagation());
      if (ctx.has(ProcessManager) && (config.tracing || metrics !== undefined)) {
        const manager = ctx.get(ProcessManager);
        if (metrics !== undefined) metrics.watchProcesses(() => manager.status());
        // Requests through the ProcessManager token get a CLIENT span.
        if (config.tracing) ctx.rebind(ProcessManager).toValue(traceProcessManager(manager));
      }

      const hooks: QueueInstrumentation[] = [];
      if (metrics !== undefined) hooks.push(metrics.queueInstrumentation());
      if (config.tracing) hooks.push(queueTracing());
      if (hooks.length > 0) uninstall = installQueueInstrumentation(hooks.length === 1 ? hooks[0]! : composeQueueInstrumentation(hooks[0]!, hooks[1]!));
    },
    boot(ctx) {
      // Async command states (the runtime is bound by the cqrs plugin's register).
      const metrics = ctx.has(Metrics) ? ctx.get(Metrics) : undefined;
      if (metrics !== undefined && ctx.has(AsyncRuntime)) {
        stopCommandStates = ctx.get(AsyncRuntime).events.on('status', (record) => metrics.commandStatus(record.name, record.state));
      }
      // The cqrs plugin adds its built-in middleware at its boot, which ran before this one.
      if (ctx.config.tracing && ctx.has(CommandBus)) {
        ctx.get(CommandBus).use(busTracing());
        ctx.get(QueryBus).use(busTracing());
        ctx.get(EventBus).use(busTracing());
      }
    },
    shutdown() {
      // Shut down before http, queue and cqrs: readiness answers 'draining' while they drain.
      health?.markStopping();
      uninstall?.();
      uninstall = undefined;
      stopCommandStates?.();
      stopCommandStates = undefined;
      for (const remove of uninstallPropagation.splice(0)) remove();
    },
  });
}
