import { definePlugin, z } from '@ody/core';
import { EventBus } from '@ody/cqrs';
import { Router } from '@ody/http';
import { Broadcaster } from '@ody/websocket';
import { ProcessManager } from '@ody/process';
import { OrderPlaced } from '../orders/index.js';
import { heartbeatStats } from '../process/index.js';
import { countPrimesOffThread } from '../task/index.js';

/** Channel where the example announces order status changes. */
export const ordersChannel = 'orders';

const PrimesParams = z.object({ limit: z.coerce.number().int().min(2).max(50_000_000) });

/**
 * Glue between the example's features: `GET /primes/:limit` offloads a CPU-bound count to the task
 * pool, `GET /heartbeats` asks the supervised processes over IPC (main thread only), and every placed order is announced
 * on the `orders` WebSocket channel.
 */
export const opsPlugin = () =>
  definePlugin({
    name: 'example-ops',
    dependsOn: ['http', 'task', 'cqrs', 'websocket'],
    optionalDependsOn: ['process'],
    register(ctx) {
      const router = ctx.get(Router);
      router.get('/primes/:limit', { params: PrimesParams }, async (c) => {
        const { limit } = c.valid.params;
        return { limit, primes: await countPrimesOffThread(ctx, limit) };
      });
      router.get('/heartbeats', () => (ctx.has(ProcessManager) ? heartbeatStats(ctx) : []));
    },
    boot(ctx) {
      const broadcaster = ctx.get(Broadcaster);
      ctx.get(EventBus).register(OrderPlaced, (event: OrderPlaced) => {
        broadcaster.publish(ordersChannel, 'order_placed', { orderId: event.orderId, status: 'placed' });
      });
    },
  });
