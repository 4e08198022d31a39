import { createApp } from './app.js';

const app = await createApp({ role: 'api' });
app.listenForSignals();
await app.start();
app.logger.info('ready (api); Ctrl-C stops');
