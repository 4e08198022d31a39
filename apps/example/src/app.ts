import { isMainThread } from 'node:worker_threads';
import { type Application, createApplication } from '@ody/core';
import { cqrsPlugin } from '@ody/cqrs';
import { httpPlugin } from '@ody/http';
import { otelPlugin } from '@ody/otel';
import type { Adapter } from '@ody/websocket';
import { queuePlugin } from '@ody/queue';
import { amqpDriverFactory } from '@ody/queue-amqp';
import { natsDriverFactory } from '@ody/queue-nats';
import { redisDriverFactory } from '@ody/queue-redis';
import { exampleRoutes, GreetingsController } from './http/index.js';
import { exampleEventStore } from './eventstore/index.js';
import { opsPlugin } from './ops/index.js';
import { orderHandlers, OrdersView, ordersPlugin } from './orders/index.js';
import { exampleProcessPlugin } from './process/index.js';
import { welcomeQueuePlugin } from './queue/index.js';
import { exampleWebSocket, realtimePlugin } from './realtime/index.js';
import { exampleTaskPlugin } from './task/index.js';
import { exampleDashboard, webPlugin } from './web/index.js';

/**
 * Builds the example application. The same factory runs in the main thread or in each HTTP worker
 * thread (`ODY_HTTP_WORKERS=2`), so nothing is shared by accident. `options.websocketAdapter` joins
 * several instances' WebSocket channels (e.g. `redisAdapter()` from `@ody/websocket/redis`).
 */
export function createApp(config: Record<string, unknown> = {}, options: { websocketAdapter?: () => Adapter } = {}): Promise<Application> {
  const ordersView = new OrdersView();
  return createApplication({
    config: { app: { name: 'ody-example' }, http: { port: 3000 }, ...config },
    plugins: [
      httpPlugin({ controllers: [GreetingsController], routes: exampleRoutes, workerModule: import.meta.url }),
      exampleWebSocket({ ...(options.websocketAdapter ? { adapter: options.websocketAdapter } : {}) }),
      // Filesystem by default; `drivers` lets config pick a broker by name: ODY_QUEUE_DRIVER=redis (REDIS_URL),
      // amqp (AMQP_URL, RabbitMQ) or nats (NATS_URL, JetStream).
      queuePlugin({ drivers: { redis: redisDriverFactory, amqp: amqpDriverFactory, nats: natsDriverFactory } }),
      cqrsPlugin({ handlers: orderHandlers }),
      // Orders are event-sourced: file store under var/events by default; ODY_EVENTSTORE_DRIVER=memory,
      // postgres (DATABASE_URL) or redis (REDIS_URL). The orders read model is a projection of the store.
      exampleEventStore([ordersView.projection]),
      // Supervised processes belong to the main thread only, not to every HTTP worker's Application.
      ...(isMainThread ? [exampleProcessPlugin()] : []),
      exampleTaskPlugin(),
      welcomeQueuePlugin(),
      ordersPlugin(ordersView),
      realtimePlugin(),
      opsPlugin(),
      webPlugin(),
      exampleDashboard(),
      // Traces (once an OpenTelemetry SDK is registered: see the README), Prometheus text at /metrics,
      // liveness and readiness at /livez and /readyz.
      otelPlugin({ metrics: { enabled: true } }),
    ],
  });
}

export default createApp;
