import { createApp } from './app.js';

const app = await createApp();
app.listenForSignals();
await app.start();
const { port } = app.configOf<{ port: number }>('http');
app.logger.info({ url: `http://127.0.0.1:${port}` }, 'ready: open the page, POST /announcements to push to it; Ctrl-C stops');
