import { createApp } from './app.js';

const app = await createApp();
app.listenForSignals();
await app.start();
app.logger.info('worker ready: the clock process queues a digest job every CLOCK_MS; Ctrl-C stops');
