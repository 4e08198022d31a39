import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { token } from '@ody/core';
import type { Order } from './messages.js';

/**
 * The order read model: one JSON file per order, written atomically (temp file + rename), so the API
 * process and any number of worker processes share it. Swap it for your database.
 */
export class OrderStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get(id: string): Order | undefined {
    if (!/^[\w-]+$/.test(id)) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.dir, `${id}.json`), 'utf8')) as Order;
    } catch {
      return undefined;
    }
  }

  put(order: Order): void {
    const tmp = join(this.dir, `.${order.id}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(order));
    renameSync(tmp, join(this.dir, `${order.id}.json`));
  }
}

/** DI token of the order store. */
export const Orders = token<OrderStore>('{{name}}/Orders');
