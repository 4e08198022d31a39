import { HttpServer } from '@ody/http';
import { createApp } from './app.js';

const app = await createApp();
app.listenForSignals();
await app.start();
// The bound port (config may say 0: any free port); with http.workers the main thread binds none itself.
const port = app.get(HttpServer).port || app.configOf<{ port: number }>('http').port;
// The live page (src/web): place an order and watch its command status change.
console.log(`\n  Ody example: open http://127.0.0.1:${port}/ to place an order and watch it live (dashboard: /ody/dashboard)\n`);
app.logger.info(
  { url: `http://127.0.0.1:${port}` },
  'example ready: try GET /greetings/ody, POST /orders {"sku":"book","qty":1}, GET /primes/1000000, ws /ws?name=you; Ctrl-C stops',
);
