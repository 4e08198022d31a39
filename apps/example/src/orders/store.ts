import { token } from '@ody/core';
import type { Order } from './messages.js';

/** Orders by id (in memory: the example keeps one process's orders). */
export type OrderStore = Map<string, Order>;
/** DI token of the order store. */
export const OrderStore = token<OrderStore>('@ody/example/OrderStore');
