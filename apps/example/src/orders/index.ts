export { type OrderEvent, orderDecider, orderEventTypes, type OrderState, orderStream } from './decider.js';
export { GetOrderHandler, orderHandlers } from './handlers.js';
export { CancelOrder, GetOrder, type Order, OrderPlaced, PlaceOrder } from './messages.js';
export { OrdersReadModel, ordersPlugin } from './plugin.js';
export { OrdersView } from './view.js';
