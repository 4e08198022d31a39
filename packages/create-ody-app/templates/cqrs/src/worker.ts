import { createApp } from './app.js';

const app = await createApp({ role: 'worker' });
app.listenForSignals();
await app.start();
app.logger.info('ready (worker); Ctrl-C stops');
