import { createApp } from './app.js';

const app = await createApp();
app.listenForSignals();
await app.start();
app.logger.info('example app ready; Ctrl-C to stop');
