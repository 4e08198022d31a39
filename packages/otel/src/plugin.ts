import { definePlugin, type Plugin } from '@ody/core';
import { busTracing } from './cqrs.js';
import { type HttpTracingOptions, httpTracing } from './http.js';
import { installQueueTracing } from './queue.js';
import { CommandBus, EventBus, QueryBus, Router } from './tokens.js';

/** Options of otelPlugin: which packages to trace (each is on when its plugin is loaded). */
export interface OtelPluginOptions {
  /** SERVER spans for HTTP requests (adds httpTracing() to the router). Default true. */
  http?: boolean | HttpTracingOptions;
  /** PRODUCER/CONSUMER spans for queue pushes and job runs (process-wide). Default true. */
  queue?: boolean;
  /** Spans for commands, queries and events on the buses. Default true. */
  cqrs?: boolean;
}

/**
 * Traces every package that is loaded, through the OpenTelemetry API: HTTP requests (SERVER), queue
 * pushes (PRODUCER, trace context injected into the job) and job runs (CONSUMER), bus messages.
 * Spans exist only once you register an OpenTelemetry SDK (see README, "See a trace"); until then
 * the hooks cost one check each.
 * @example
 * createApplication({ plugins: [httpPlugin(), queuePlugin(), cqrsPlugin(), otelPlugin()] });
 */
export function otelPlugin(options: OtelPluginOptions = {}): Plugin {
  let uninstall: (() => void) | undefined;
  return definePlugin({
    name: 'otel',
    optionalDependsOn: ['http', 'queue', 'cqrs'],
    register(ctx) {
      if (options.http !== false && ctx.has(Router)) {
        ctx.get(Router).use(httpTracing(typeof options.http === 'object' ? options.http : {}));
      }
      if (options.queue !== false) uninstall = installQueueTracing();
    },
    boot(ctx) {
      // The cqrs plugin adds its built-in middleware at its boot, which ran before this one.
      if (options.cqrs !== false && ctx.has(CommandBus)) {
        ctx.get(CommandBus).use(busTracing());
        ctx.get(QueryBus).use(busTracing());
        ctx.get(EventBus).use(busTracing());
      }
    },
    shutdown() {
      uninstall?.();
      uninstall = undefined;
    },
  });
}
