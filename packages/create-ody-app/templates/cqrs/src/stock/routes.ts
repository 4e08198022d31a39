import { definePlugin, z } from '@ody/core';
import { CommandBus } from '@ody/cqrs';
import { NotFoundError, Router } from '@ody/http';
import { ReceiveStock, ShipStock } from './stock.js';
import { Stock } from './stock-levels.js';

const Quantity = z.object({ qty: z.number().int().min(1).max(10_000) });
const Sku = z.object({ sku: z.string().regex(/^[\w-]{1,64}$/) });

/**
 * `POST /stock/:sku/receive {qty}` and `POST /stock/:sku/ship {qty}` dispatch the async commands (202 +
 * Location of the command's status at `GET /stock/commands/:id`); `GET /stock/:sku` reads the projection.
 */
export const stockRoutes = () =>
  definePlugin({
    name: 'stock-routes',
    dependsOn: ['http', 'cqrs'],
    boot(ctx) {
      const router = ctx.get(Router);
      const commands = ctx.get(CommandBus);
      const levels = ctx.get(Stock);
      for (const [action, Message] of [
        ['receive', ReceiveStock],
        ['ship', ShipStock],
      ] as const) {
        router.post(`/stock/:sku/${action}`, { params: Sku, body: Quantity }, async (c) => {
          const { sku } = Sku.parse(c.valid.params);
          const receipt = await commands.dispatch(new Message(sku, Quantity.parse(c.valid.body).qty));
          c.status(202).header('location', `/stock/commands/${receipt.commandId}`);
          return receipt;
        });
      }
      router.get('/stock/commands/:id', async (c) => {
        const record = await commands.status(String(c.params.id));
        if (record === undefined) throw new NotFoundError(`No stock command '${String(c.params.id)}'.`);
        return record;
      });
      router.get('/stock/:sku', (c) => {
        const level = levels.get(String(c.params.sku));
        if (level === undefined) throw new NotFoundError(`No stock of '${String(c.params.sku)}' yet.`);
        return level;
      });
    },
  });
