export { announcementsChannel, realtimePlugin } from './plugin.js';
export { exampleWebSocket, type RealtimeUser } from './websocket.js';
