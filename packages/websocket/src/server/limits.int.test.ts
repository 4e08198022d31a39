import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { createWebSocketServer, type StandaloneServer } from '../index.js';
import { eventually, RawClient } from '../fixtures/raw-client.js';
import { describeEngines } from '../../../../test-support/engines.js';

describeEngines(() => {
  describe('limits and bad input', () => {
    let server: StandaloneServer | undefined;
    const clients: RawClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      await server?.close();
      server = undefined;
    });
    const open = async () => {
      const c = await RawClient.open(server!.url);
      clients.push(c);
      return c;
    };

    it('answers malformed frames with error frames and keeps serving', async () => {
      server = await createWebSocketServer({});
      const c = await open();
      const bad: Array<string | Buffer> = [
        'not json',
        '[]',
        '42',
        '{"type":"dance"}',
        '{"type":"subscribe"}',
        '{"type":"subscribe","channel":""}',
        '{"type":"publish","channel":"a","event":"error"}',
        '{"type":"ping","id":{"x":1}}',
        Buffer.from([0xff, 0xfe, 0x00]),
      ];
      for (const frame of bad) c.ws.send(frame);
      await c.waitFor(() => c.events('error').length === bad.length);
      expect(c.events('error').every((f) => f.code === 'ODY_WS_MALFORMED_FRAME')).toBe(true);
      const withId = await c.request({ type: 'nope' });
      expect(withId).toMatchObject({ event: 'error', code: 'ODY_WS_MALFORMED_FRAME' });
      expect(await c.request({ type: 'subscribe', channel: 'bad channel!' })).toMatchObject({ code: 'ODY_WS_INVALID_CHANNEL' });
      expect(await c.request({ type: 'ping' })).toMatchObject({ event: 'ack' });
    });

    it('rejects data nested deeper than 64 levels as a malformed frame (its broadcast would overflow the stack)', async () => {
      server = await createWebSocketServer({ canPublish: () => true });
      const c = await open();
      const listener = await open();
      await listener.request({ type: 'subscribe', channel: 'news' });
      // 20,000 levels fit in 40 KB, under the 64 KiB maxPayload; JSON.stringify of them throws RangeError.
      const deep = `{"type":"publish","channel":"news","event":"e","id":7,"data":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
      c.ws.send(deep);
      await c.waitFor(() => c.events('error').length === 1);
      expect(c.events('error')[0]).toMatchObject({ code: 'ODY_WS_MALFORMED_FRAME' });
      expect(await c.request({ type: 'publish', channel: 'news', event: 'e', data: [[1]] })).toMatchObject({ event: 'ack' });
      await listener.waitFor(() => listener.events('e').length === 1);
      expect(listener.events('e')[0]).toMatchObject({ data: [[1]] });
    });

    it('closes with 1009 on a frame larger than maxPayload', async () => {
      server = await createWebSocketServer({ maxPayload: 1024 });
      const c = await open();
      expect(await c.request({ type: 'ping', pad: 'x'.repeat(900) })).toMatchObject({ event: 'ack' });
      c.send({ type: 'ping', pad: 'x'.repeat(1500) });
      expect(await c.waitClosed()).toBe(1009);
      // Far beyond the limit, uWS cuts the socket before buffering the frame.
      const huge = await open();
      huge.send('x'.repeat(10 * 1024 * 1024));
      expect([1006, 1009]).toContain(await huge.waitClosed());
      const other = await open();
      expect(await other.request({ type: 'ping' })).toMatchObject({ event: 'ack' });
    });

    it('refuses more channels than maxChannelsPerConnection', async () => {
      server = await createWebSocketServer({ maxChannelsPerConnection: 2 });
      const c = await open();
      await c.request({ type: 'subscribe', channel: 'a' });
      await c.request({ type: 'subscribe', channel: 'b' });
      expect(await c.request({ type: 'subscribe', channel: 'a' })).toMatchObject({ event: 'ack' });
      expect(await c.request({ type: 'subscribe', channel: 'c' })).toMatchObject({ code: 'ODY_WS_TOO_MANY_CHANNELS' });
      await c.request({ type: 'unsubscribe', channel: 'a' });
      expect(await c.request({ type: 'subscribe', channel: 'c' })).toMatchObject({ event: 'ack' });
    });

    it('rate-limits client messages with an error frame per dropped message', async () => {
      server = await createWebSocketServer({ rateLimit: { limit: 5, windowMs: 60_000 } });
      const c = await open();
      for (let i = 0; i < 12; i++) c.send({ type: 'ping', id: i });
      await c.waitFor(() => c.frames.filter((f) => f.event === 'ack' || f.event === 'error').length === 12);
      expect(c.events('ack')).toHaveLength(5);
      expect(c.events('error').map((f) => f.code)).toEqual(Array(7).fill('ODY_WS_RATE_LIMITED'));
    });

    for (const policy of ['drop', 'close'] as const) {
      it(`bounds memory for a client that stops reading (policy ${policy})`, async () => {
        const maxBackpressure = 256 * 1024;
        server = await createWebSocketServer({ maxBackpressure, backpressurePolicy: policy });
        const fast = await open();
        const slow = await open();
        await fast.request({ type: 'subscribe', channel: 'firehose' });
        await slow.request({ type: 'subscribe', channel: 'firehose' });
        // Stop reading: the kernel buffers fill, then uWS must hold (at most) maxBackpressure for it.
        (slow.ws as WebSocket & { _socket: { pause(): void } })._socket.pause();
        const chunk = 'y'.repeat(64 * 1024);
        let peak = 0;
        const total = 400; // 25 MiB published, far beyond kernel buffers + maxBackpressure
        for (let i = 0; i < total; i++) {
          server.hub.publish('firehose', 'blob', { i, chunk });
          peak = Math.max(peak, server.hub.bufferedBytes());
          // Pace by the reading client, so only the stalled one falls behind.
          await fast.waitFor(() => fast.frames.length > 0 && (fast.frames.at(-1)?.data as { i?: number })?.i === i);
        }
        server.hub.publish('firehose', 'done', null);
        // The reading client gets everything.
        await fast.waitFor((f) => f.event === 'done', 20_000);
        expect(fast.events('blob')).toHaveLength(total);
        // Server-side buffering never exceeded the limit by more than one message per slow client.
        expect(peak).toBeLessThanOrEqual(maxBackpressure + 2 * (chunk.length + 100));
        if (policy === 'close') {
          await eventually(() => server!.hub.localConnectionCount() === 1, 10_000, 'slow client to be closed');
        } else {
          expect(server.hub.localConnectionCount()).toBe(2);
          (slow.ws as WebSocket & { _socket: { resume(): void } })._socket.resume();
          await eventually(() => server!.hub.bufferedBytes() === 0, 20_000, 'the slow client to drain');
          // Once it caught up it gets new messages again; what it missed was dropped, not queued.
          server.hub.publish('firehose', 'after', null);
          await slow.waitFor((f) => f.event === 'after', 20_000);
          expect(slow.events('blob').length).toBeLessThan(total);
        }
      });
    }
  });

  describe('idle timeout', () => {
    it('keeps a client that answers pings and closes one that went silent', async () => {
      const server = await createWebSocketServer({ idleTimeoutMs: 8000 });
      const alive = await RawClient.open(server.url);
      const silent = await RawClient.open(server.url);
      try {
        // A stopped reader never sees the server's pings, so it never pongs.
        (silent.ws as WebSocket & { _socket: { pause(): void } })._socket.pause();
        let pings = 0;
        alive.ws.on('ping', () => pings++);
        await eventually(() => server.hub.localConnectionCount() === 1, 25_000, 'the silent client to time out');
        expect(pings).toBeGreaterThan(0);
        expect(await alive.request({ type: 'ping' })).toMatchObject({ event: 'ack' });
      } finally {
        alive.close();
        silent.close();
        await server.close();
      }
    }, 40_000);
  });
});
