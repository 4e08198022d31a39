// Cold start peer (plain JS, no loader): an Ody application with the http plugin and one route.
import { createApplication } from '@ody/core';
import { httpPlugin } from '@ody/http';

const port = Number(process.argv[2]);
const app = await createApplication({
  config: { app: { logLevel: 'silent' }, http: { host: '127.0.0.1', port, healthPath: false } },
  envFile: false,
  plugins: [httpPlugin({ routes: (r) => r.get('/users/:id', (ctx) => ({ id: ctx.params.id, name: `user-${ctx.params.id}` })) })],
});
await app.start();
