import { definePlugin, newId } from '@ody/core';
import { CommandBus, QueryBus } from '@ody/cqrs';
import { type HttpContext, NotFoundError, Router } from '@ody/http';
import { GetOrder, PlaceOrder } from './messages.js';
import { OrderStore } from './store.js';

/**
 * The orders feature: binds the order store and adds
 * `POST /orders` (dispatches the async PlaceOrder; 202 + Location), `GET /orders/:id` (GetOrder query)
 * and `GET /orders/commands/:id` (status of a PlaceOrder). List `orderHandlers` in cqrsPlugin({ handlers }).
 */
export const ordersPlugin = () =>
  definePlugin({
    name: 'orders',
    dependsOn: ['http', 'cqrs'],
    register(ctx) {
      ctx.bind(OrderStore).toValue(new Map());
    },
    boot(ctx) {
      const router = ctx.get(Router);
      const commands = ctx.get(CommandBus);
      const queries = ctx.get(QueryBus);
      router.post('/orders', { body: PlaceOrder.schema.omit({ orderId: true }) }, async (c: HttpContext) => {
        const body = c.valid.body as { sku: string; qty: number };
        const orderId = newId();
        const key = c.get('idempotency-key');
        const receipt = await commands.dispatch(new PlaceOrder(orderId, body.sku, body.qty), key === undefined ? {} : { idempotencyKey: key });
        c.status(202).header('location', `/orders/commands/${receipt.commandId}`);
        return { orderId, ...receipt };
      });
      router.get('/orders/commands/:id', async (c: HttpContext) => {
        const record = await commands.status(String(c.params.id));
        if (record === undefined) throw new NotFoundError(`No order command '${String(c.params.id)}'.`);
        return record;
      });
      router.get('/orders/:id', async (c: HttpContext) => {
        const order = await queries.execute(new GetOrder(String(c.params.id)));
        if (order === undefined) throw new NotFoundError(`No order '${String(c.params.id)}'.`);
        return order;
      });
    },
  });
