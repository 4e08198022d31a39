import { describe, expect, it } from 'vitest';
import type { WebSocket as WsSocket } from 'ws';
import { NodeWebSocket, Topics } from './websocket.js';

/** A `ws` socket stand-in recording what the node engine hands it. */
function fakeWs() {
  const sent: { data: unknown; binary: boolean }[] = [];
  const ws = { bufferedAmount: 0, send: (data: unknown, opts: { binary: boolean }) => sent.push({ data, binary: opts.binary }) };
  return { ws: ws as unknown as WsSocket, sent };
}

describe('node engine topics', () => {
  const pressure = { maxBackpressure: 1024, closeOnBackpressureLimit: false };

  it('publishes a text frame to every subscriber but the excluded one, as text with the same UTF-8 bytes', () => {
    const topics = new Topics();
    const fakes = [fakeWs(), fakeWs(), fakeWs()];
    const sockets = fakes.map((f) => new NodeWebSocket(f.ws, {}, topics, pressure, '127.0.0.1'));
    for (const s of sockets) s.subscribe('t');
    topics.publish('t', '{"x":"é"}', false, sockets[2]);
    for (const f of fakes.slice(0, 2)) {
      expect(f.sent).toHaveLength(1);
      expect(f.sent[0]!.binary).toBe(false);
      expect(Buffer.from(f.sent[0]!.data as Uint8Array).toString('utf8')).toBe('{"x":"é"}');
    }
    expect(fakes[2]!.sent).toHaveLength(0);
  });

  it('sends binary frames as binary and skips closed sockets', () => {
    const topics = new Topics();
    const a = fakeWs();
    const b = fakeWs();
    const sa = new NodeWebSocket(a.ws, {}, topics, pressure, '');
    const sb = new NodeWebSocket(b.ws, {}, topics, pressure, '');
    sa.subscribe('t');
    sb.subscribe('t');
    sb.detach();
    topics.publish('t', new Uint8Array([1, 2]).buffer, true);
    expect(a.sent).toEqual([{ data: new Uint8Array([1, 2]), binary: true }]);
    expect(b.sent).toHaveLength(0);
  });
});
