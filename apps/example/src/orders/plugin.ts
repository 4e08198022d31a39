import { definePlugin, newId, token, z } from '@ody/core';
import { CommandBus, EventBus, QueryBus } from '@ody/cqrs';
import { deciderCommandHandler, deciderRepository, EventStore } from '@ody/eventsourcing';
import { NotFoundError, Router } from '@ody/http';
import { orderDecider, orderEventTypes, orderStream } from './decider.js';
import { CancelOrder, GetOrder, PlaceOrder } from './messages.js';
import type { OrdersView } from './view.js';

/** DI token of the orders read model (what GetOrderHandler reads). */
export const OrdersReadModel = token<OrdersView>('@ody/example/OrdersReadModel');

const ById = z.object({ id: z.string().min(1) });

/**
 * The event-sourced orders feature. PlaceOrder and CancelOrder are decided by the order decider
 * (load the `order-<id>` stream → decide → append with the loaded version, retried on a conflict) and
 * the new events are published on the EventBus; the `view` projection (run by eventStorePlugin) serves
 * reads. Routes: `POST /orders` (async PlaceOrder; 202 + Location), `POST /orders/:id/cancel`,
 * `GET /orders/:id` (GetOrder query), `GET /orders/:id/events` (the stream) and
 * `GET /orders/commands/:id` (status of a PlaceOrder). List `orderHandlers` in cqrsPlugin({ handlers }).
 */
export const ordersPlugin = (view: OrdersView) =>
  definePlugin({
    name: 'orders',
    dependsOn: ['http', 'cqrs', 'eventstore'],
    register(ctx) {
      ctx.bind(OrdersReadModel).toValue(view);
      const repository = deciderRepository(orderDecider, { store: ctx.get(EventStore), types: orderEventTypes(), streamName: orderStream });
      const handle = deciderCommandHandler({
        repository,
        id: (c) => c.orderId,
        eventBus: ctx.get(EventBus),
        result: (saved, c) => ({ orderId: c.orderId, version: saved.version }),
      });
      const commands = ctx.get(CommandBus);
      commands.register(PlaceOrder, handle);
      commands.register(CancelOrder, handle);
      // Routes in register, like every feature here: the server may answer before later plugins boot.
      const router = ctx.get(Router);
      const queries = ctx.get(QueryBus);
      const store = ctx.get(EventStore);
      router.post('/orders', { body: PlaceOrder.schema.omit({ orderId: true }) }, async (c) => {
        const { sku, qty } = c.valid.body;
        const orderId = newId();
        const key = c.get('idempotency-key');
        const receipt = await commands.dispatch(new PlaceOrder(orderId, sku, qty), key === undefined ? {} : { idempotencyKey: key });
        c.status(202).header('location', `/orders/commands/${receipt.commandId}`);
        return { orderId, ...receipt };
      });
      router.post('/orders/:id/cancel', { params: ById, body: CancelOrder.schema.pick({ reason: true }) }, (c) =>
        commands.execute(new CancelOrder(c.valid.params.id, c.valid.body.reason)),
      );
      router.get('/orders/commands/:id', { params: ById }, async (c) => {
        const record = await commands.status(c.valid.params.id);
        if (record === undefined) throw new NotFoundError(`No order command '${c.valid.params.id}'.`);
        return record;
      });
      router.get('/orders/:id/events', { params: ById }, async (c) => {
        const events = await store.read(orderStream(c.valid.params.id));
        if (events.length === 0) throw new NotFoundError(`No order '${c.valid.params.id}'.`);
        return events.map(({ type, data, streamPosition, globalPosition, recordedAt }) => ({ type, data, streamPosition, globalPosition, recordedAt }));
      });
      router.get('/orders/:id', { params: ById }, async (c) => {
        const order = await queries.execute(new GetOrder(c.valid.params.id));
        if (order === undefined) throw new NotFoundError(`No order '${c.valid.params.id}'.`);
        return order;
      });
    },
  });
