// Protocol-level garbage after a real upgrade, on both engines: frames RFC 6455 forbids. For each,
// the server ends that connection (node: the RFC's close code; uWS: a cut, or for an unmasked frame
// its idle timeout, measured 8.0 s with idleTimeoutMs 8000), and a fresh client is served right
// after (the server never crashes). README "Guarantees" lists what each engine does.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEngines } from '../../../../test-support/engines.js';
import { createWebSocketServer, type StandaloneServer } from '../index.js';
import { RawClient } from '../fixtures/raw-client.js';

/** The suite's idleTimeoutMs (8 s, the smallest uWS takes): it bounds what uWS does not close at once. */
const IDLE_MS = 8000;
/** Bound on the server ending a broken connection: the idle timeout plus uWS's timer slack, generous. */
const CLOSE_BOUND_MS = 25_000;

/** A client frame: FIN + opcode, masked unless `unmasked`, with an optional raw first-byte override. */
function frame(opcode: number, payload: Buffer, o: { fin?: boolean; rsv?: number; unmasked?: boolean; length?: bigint } = {}): Buffer {
  const first = ((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | opcode;
  const mask = o.unmasked ? 0 : 0x80;
  const len = o.length ?? BigInt(payload.length);
  let head: Buffer;
  if (len < 126n) head = Buffer.from([first, mask | Number(len)]);
  else if (len < 65536n) {
    head = Buffer.alloc(4);
    head[0] = first;
    head[1] = mask | 126;
    head.writeUInt16BE(Number(len), 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = mask | 127;
    head.writeBigUInt64BE(len, 2);
  }
  if (o.unmasked) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([head, key, masked]);
}

const closePayload = (code: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return b;
};

// [name, bytes, close code the node engine (ws) sends]. uWS sends no close frame for any of them: it
// cuts the TCP connection (the client sees 1006), at once, except for the unmasked frame (below).
const cases: Array<[string, Buffer, number]> = [
  ['an unmasked client frame', frame(0x1, Buffer.from('{"type":"ping"}'), { unmasked: true }), 1002],
  ['a reserved opcode (0x3)', frame(0x3, Buffer.from('x')), 1002],
  ['RSV1 set without a negotiated extension', frame(0x1, Buffer.from('{"type":"ping"}'), { rsv: 4 }), 1002],
  ['a fragmented control frame (ping without FIN)', frame(0x9, Buffer.from('p'), { fin: false }), 1002],
  ['a control frame over 125 bytes', frame(0x9, Buffer.alloc(200, 1)), 1002],
  ['a continuation frame with nothing to continue', frame(0x0, Buffer.from('x')), 1002],
  ['a close frame with an invalid code (999)', frame(0x8, closePayload(999)), 1002],
  ['a close frame with a one-byte payload', frame(0x8, Buffer.from([3])), 1002],
  ['a 2^63-byte length', frame(0x2, Buffer.alloc(0), { length: 2n ** 63n - 1n }), 1009],
  ['a text frame that is not UTF-8', frame(0x1, Buffer.from([0xff, 0xfe, 0xfd])), 1007],
];

/** uWS 20.30 accepts an unmasked client frame without closing (RFC 6455 §5.1 says close): the idle timeout ends it. */
const UWS_IDLE_CASE = 'an unmasked client frame';

/** Upgrade over a raw socket, then write `bytes`; resolves once the server closes (false if never). */
interface Outcome {
  closed: boolean;
  upgraded: boolean;
  /** Code of the close frame the server sent, if it sent one. */
  closeCode: number | undefined;
  ms: number;
}

/** The code of the first close frame (0x88) in what the server sent after the 101. */
function closeCodeIn(data: Buffer): number | undefined {
  for (let i = 0; i + 1 < data.length; ) {
    const op = data[i]! & 0x0f;
    const len = data[i + 1]! & 0x7f;
    if (op === 0x8) return len >= 2 ? data.readUInt16BE(i + 2) : undefined;
    i += 2 + len; // server frames are unmasked and short here
  }
  return undefined;
}

function hostile(url: string, bytes: Buffer): Promise<Outcome> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve) => {
    const sock = net.connect(Number(port), hostname);
    const key = randomBytes(16).toString('base64');
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    let upgraded = false;
    let head = Buffer.alloc(0);
    let after = Buffer.alloc(0);
    const t0 = Date.now();
    const done = (closed: boolean) => resolve({ closed, upgraded, closeCode: closeCodeIn(after), ms: Date.now() - t0 });
    const timer = setTimeout(() => {
      sock.destroy();
      done(false);
    }, CLOSE_BOUND_MS);
    sock.on('data', (d: Buffer) => {
      if (upgraded) {
        after = Buffer.concat([after, d]);
        return;
      }
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end >= 0) {
        const text = head.subarray(0, end).toString('latin1');
        upgraded = text.startsWith('HTTP/1.1 101') && text.includes(accept);
        after = head.subarray(end + 4);
        sock.write(bytes);
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      done(true);
    });
    sock.write(`GET ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-key: ${key}\r\nsec-websocket-version: 13\r\n\r\n`);
  });
}

describeEngines((engine) => {
  describe('hostile WebSocket frames', () => {
    let server: StandaloneServer;
    const results = new Map<string, Outcome>();
    beforeAll(async () => {
      server = await createWebSocketServer({ idleTimeoutMs: IDLE_MS });
      const all = await Promise.all(cases.map(([, bytes]) => hostile(server.url, bytes)));
      for (const [i, [name]] of cases.entries()) results.set(name, all[i]!);
    }, CLOSE_BOUND_MS + 10_000);
    afterAll(async () => {
      await server?.close();
    });

    for (const [name, , nodeCode] of cases) {
      const how = engine === 'node' ? `closes with ${nodeCode}` : name === UWS_IDLE_CASE ? 'is closed by the idle timeout' : 'is cut (no close frame)';
      it(`${name}: ${how}`, () => {
        const r = results.get(name)!;
        // Closed by the server within the bound (the probe gave up otherwise).
        expect({ closed: r.closed, upgraded: r.upgraded }, `${r.ms} ms`).toEqual({ closed: true, upgraded: true });
        expect(r.closeCode).toBe(engine === 'node' ? nodeCode : undefined);
      });
    }

    it('still serves a new client afterwards', async () => {
      const c = await RawClient.open(server.url);
      try {
        expect(await c.request({ type: 'ping' })).toMatchObject({ event: 'ack' });
      } finally {
        c.close();
      }
    });
  });
});
