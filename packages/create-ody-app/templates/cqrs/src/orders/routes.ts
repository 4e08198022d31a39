import { definePlugin, newId } from '@ody/core';
import { CommandBus, QueryBus } from '@ody/cqrs';
import { NotFoundError, Router } from '@ody/http';
import { GetOrder, PlaceOrder } from './messages.js';

const NewOrder = PlaceOrder.schema.omit({ orderId: true });

/**
 * `POST /orders {sku, qty}` dispatches the async PlaceOrder (202 + Location of its status),
 * `GET /orders/commands/:id` is that status (queued → running → succeeded | failed),
 * `GET /orders/:id` reads the order.
 */
export const orderRoutes = () =>
  definePlugin({
    name: 'order-routes',
    dependsOn: ['http', 'cqrs'],
    boot(ctx) {
      const router = ctx.get(Router);
      const commands = ctx.get(CommandBus);
      const queries = ctx.get(QueryBus);
      router.post('/orders', { body: NewOrder }, async (c) => {
        const { sku, qty } = NewOrder.parse(c.valid.body);
        const orderId = newId();
        const receipt = await commands.dispatch(new PlaceOrder(orderId, sku, qty));
        c.status(202).header('location', `/orders/commands/${receipt.commandId}`);
        return { orderId, ...receipt };
      });
      router.get('/orders/commands/:id', async (c) => {
        const record = await commands.status(String(c.params.id));
        if (record === undefined) throw new NotFoundError(`No order command '${String(c.params.id)}'.`);
        return record;
      });
      router.get('/orders/:id', async (c) => {
        const order = await queries.execute(new GetOrder(String(c.params.id)));
        if (order === undefined) throw new NotFoundError(`No order '${String(c.params.id)}'.`);
        return order;
      });
    },
  });
