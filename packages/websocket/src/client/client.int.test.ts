import { createHash } from 'node:crypto';
import { createServer, type Server, Socket } from 'node:net';
import { OdyError } from '@ody/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientChannel, createClient, type Member, type OdyWebSocketClient, WebSocketClientError } from '../client.js';
import { createWebSocketServer, type StandaloneServer } from '../index.js';
import { eventually } from '../fixtures/raw-client.js';
import { describeEngines } from '../../../../test-support/engines.js';

/** A TCP proxy in front of the server, so a test can cut every connection like a network drop. */
async function proxyTo(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = new Socket();
    sockets.add(inbound).add(outbound);
    outbound.connect(port, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describeEngines(() => {
  describe('client', () => {
    let server: StandaloneServer<{ id: string }>;
    const clients: OdyWebSocketClient[] = [];
    const cleanups: Array<() => Promise<void> | void> = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      for (const f of cleanups.splice(0)) await f();
      await server?.close();
    });
    const start = async () => {
      server = await createWebSocketServer<{ id: string }>({
        authenticate: (req) => ({ id: new URLSearchParams(req.query).get('user') ?? 'anon' }),
        authorizeChannel: (_user, channel) => channel !== 'private-nope',
        canPublish: () => true,
      });
    };
    const client = (url: string, extra: Record<string, unknown> = {}) => {
      const c = createClient({ url, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, ...extra });
      clients.push(c);
      return c;
    };

    it('subscribes with typed handlers, publishes, whispers and tracks presence members', async () => {
      await start();
      const alice = client(`${server.url}?user=alice`);
      const bob = client(`${server.url}?user=bob`);
      await Promise.all([alice.connect(), bob.connect()]);
      const aRoom: ClientChannel<{ said: { text: string } }> = await alice.subscribe('presence-room');
      const lists: Member[][] = [];
      aRoom.onMembers((m) => lists.push(m));
      const bRoom = await bob.subscribe<{ said: { text: string } }>('presence-room');
      expect(bRoom.members.map((m) => m.id).sort()).toEqual(['alice', 'bob']);
      await eventually(() => aRoom.members.length === 2, 5000, 'alice to see bob');
      const heard: string[] = [];
      aRoom.on('said', (d, meta) => heard.push(`${meta.from}:${d.text}`));
      await bRoom.publish('said', { text: 'hello' });
      const typing: unknown[] = [];
      aRoom.onWhisper('typing', (d) => typing.push(d));
      await bRoom.whisper('typing', { on: true });
      await eventually(() => heard.length === 1 && typing.length === 1, 5000, 'publish and whisper');
      expect(heard).toEqual(['bob:hello']);
      expect(typing).toEqual([{ on: true }]);
      await bRoom.unsubscribe();
      await eventually(() => aRoom.members.length === 1, 5000, 'bob to leave');
      expect(lists.at(-1)!.map((m) => m.id)).toEqual(['alice']);
    });

    it('rejects acks with the server error code and times out when no ack comes', async () => {
      await start();
      const c = client(`${server.url}?user=u`, { ackTimeoutMs: 300 });
      await c.connect();
      const refused = await c.subscribe('private-nope').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WebSocketClientError);
      expect(OdyError.is(refused, 'ODY_WS_FORBIDDEN')).toBe(true);
      // A server that never answers: a raw TCP listener that completes the handshake, then stays silent.
      const raw = new Set<Socket>();
      const silent = createServer((s) =>
        raw.add(s) && s.once('data', (d) => {
          const key = /sec-websocket-key: (.*)\r\n/i.exec(d.toString())![1]!;
          const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
          s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
          // a `connected` frame (unmasked text frame), then silence
          const body = Buffer.from('{"event":"connected","data":{"connectionId":"x"}}');
          s.write(Buffer.concat([Buffer.from([0x81, body.length]), body]));
        }).on('error', () => {}),
      );
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      cleanups.push(
        () =>
          new Promise<void>((r) => {
            for (const s of raw) s.destroy();
            silent.close(() => r());
          }),
      );
      const mute = client(`ws://127.0.0.1:${(silent.address() as { port: number }).port}/ws`, { ackTimeoutMs: 200, reconnect: false });
      await mute.connect();
      const timedOut = await mute.ping().catch((e: unknown) => e);
      expect(OdyError.is(timedOut, 'ODY_WS_ACK_TIMEOUT')).toBe(true);
      mute.close();
      const closed = await mute.ping().catch((e: unknown) => e);
      expect(OdyError.is(closed, 'ODY_WS_NOT_CONNECTED')).toBe(true);
    });

    it('reconnects with backoff after a drop and resubscribes, receiving publishes again', async () => {
      await start();
      const proxy = await proxyTo(server.port);
      cleanups.push(() => proxy.close());
      const c = client(`ws://127.0.0.1:${proxy.port}/ws?user=r`);
      const opens: unknown[] = [];
      const delays: number[] = [];
      c.on('open', (info) => opens.push(info));
      c.on('reconnecting', (info) => delays.push((info as { delayMs: number }).delayMs));
      await c.connect();
      const news = await c.subscribe<{ item: number }>('news');
      const items: number[] = [];
      news.on('item', (n) => items.push(n));
      server.hub.publish('news', 'item', 1);
      await eventually(() => items.length === 1, 5000, 'first item');
      const firstId = c.connectionId;
      proxy.cut();
      await eventually(() => opens.length === 2 && server.hub.localConnectionCount() === 1, 10_000, 'reconnect');
      expect(opens[1]).toEqual({ reconnected: true });
      expect(c.connectionId).not.toBe(firstId);
      expect(delays.length).toBeGreaterThan(0);
      // resubscribed without the user doing anything
      await eventually(async () => {
        server.hub.publish('news', 'item', 2);
        await new Promise((r) => setTimeout(r, 50));
        return items.includes(2);
      }, 10_000, 'item after reconnect');
    });
  });
});
