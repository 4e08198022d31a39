import { createApp } from './app.js';

const app = await createApp({ role: 'all' });
app.listenForSignals();
await app.start();
app.logger.info('ready (all); Ctrl-C stops');
