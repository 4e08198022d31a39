import type { Saga } from '../src/index.js';

/** Reserve stock when an order is placed; ship when paid; cancel if the payment timeout fires first. */
export const shipping: Saga<{ paid: boolean }> = {
  name: 'shipping',
  types: ['OrderPlaced', 'PaymentReceived'],
  correlate: (e) => (e.data as { orderId?: string }).orderId,
  initialState: () => ({ paid: false }),
  react(state, m) {
    const orderId = (m.data as { orderId?: string } | undefined)?.orderId;
    if (m.type === 'OrderPlaced') return { state, commands: [{ type: 'ReserveStock', orderId }], timeouts: [{ name: 'payment', afterMs: Number(process.env.SAGA_TIMEOUT_MS ?? 50), data: { orderId: (m.data as { orderId: string }).orderId } }] };
    if (m.type === 'PaymentReceived') return { state: { paid: true }, commands: [{ type: 'Ship', orderId }], done: true };
    return { state, commands: [{ type: 'CancelOrder', orderId }], done: true };
  },
};
