import net from 'node:net';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEngines } from '../../../../test-support/engines.js';
import { createWebSocketServer } from '../index.js';

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

describeEngines((engine) => {
  it('answers Sec-WebSocket-Version 8 with 426 naming version 13, before authenticate runs', async () => {
    let authenticated = 0;
    const server = await createWebSocketServer({
      authenticate: () => {
        authenticated++;
        return { id: 'x' };
      },
    });
    try {
      const port = new URL(server.url).port;
      const answer = await new Promise<string>((resolve) => {
        const sock = net.connect(Number(port), '127.0.0.1', () => {
          sock.write(
            'GET /ws HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 8\r\n\r\n',
          );
        });
        let out = '';
        sock.on('data', (d) => {
          out += d.toString('latin1');
        });
        sock.on('close', () => resolve(out));
        sock.on('error', () => resolve(out));
        setTimeout(() => sock.destroy(), 3000);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 426 /);
      expect(answer.toLowerCase()).toContain('sec-websocket-version: 13');
      expect(authenticated).toBe(0);
    } finally {
      await server.close();
    }
  });

  // uWS 20.30 validates UTF-8 itself and cuts the socket (1006) before any callback runs; `ws`
  // (node engine) closes with 1007 as RFC 6455 §8.1 asks. Both keep serving other clients.
  it('a text frame with invalid UTF-8 closes that connection and the server keeps serving', async () => {
    const server = await createWebSocketServer({});
    try {
      const ws = new WebSocket(server.url);
      await new Promise((r) => ws.once('message', r));
      const code = await new Promise<number>((resolve) => {
        ws.once('close', (c) => resolve(c));
        ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      });
      expect(code).toBe(engine === 'node' ? 1007 : 1006);
      const other = new WebSocket(server.url);
      const first = await new Promise<string>((r) => other.once('message', (d) => r(d.toString())));
      expect(JSON.parse(first).event).toBe('connected');
      other.terminate();
    } finally {
      await server.close();
    }
  });
});
