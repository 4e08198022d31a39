export { GetOrderHandler, orderHandlers, PlaceOrderHandler } from './handlers.js';
export { GetOrder, type Order, OrderPlaced, PlaceOrder } from './messages.js';
export { ordersPlugin } from './plugin.js';
export { OrderStore } from './store.js';
