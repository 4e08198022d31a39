import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEngines } from '../../../test-support/engines.js';
import { createWebSocketServer } from '../src/index.js';

describeEngines(() => {
  // uWS can wedge a socket upgraded from outside its own callbacks (uWebSockets.js#1108); the hub sends
  // its first frame corked on the next tick. Every one of many async upgrades must get that frame.
  it('delivers the connected frame on every asynchronously authenticated upgrade', async () => {
    const server = await createWebSocketServer({
      authenticate: async () => {
        await new Promise((r) => setTimeout(r, 2));
        return { id: 'x' };
      },
    });
    let missing = 0;
    try {
      for (let i = 0; i < 100; i++) {
        const ws = new WebSocket(server.url);
        const got = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 5000);
          ws.once('message', (data) => {
            clearTimeout(timer);
            resolve(JSON.parse(data.toString()).event === 'connected');
          });
          ws.once('error', () => resolve(false));
        });
        if (!got) missing++;
        ws.terminate();
      }
    } finally {
      await server.close();
    }
    expect(missing).toBe(0);
  }, 60_000);
});
