// Malformed requests the HTTP parser rejects before any handler: the node engine answers each with
// 400 (431 for an oversized head) and closes, like fastify. uWS 20.30 gives most of these no answer
// and closes them at its idle timeout (README, Known limits), so this suite is the node engine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../../test-support/engines.js';
import type { OdyHttpServer } from '../index.js';
import { raw, start } from '../fixtures/helpers.js';

const status = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);

describe.runIf(testEngines().includes('node'))('node engine: requests the parser rejects', () => {
  let server: OdyHttpServer;
  let port: number;
  let handled = 0;
  let previous: string | undefined;
  beforeAll(async () => {
    previous = process.env.ODY_HTTP_ENGINE;
    process.env.ODY_HTTP_ENGINE = 'node';
    const s = await start(
      (r) =>
        r.get('/', () => {
          handled++;
          return 'ok';
        }),
      { limits: { maxHeaderBytes: 2000, maxUrlLength: 200 } },
    );
    server = s.server;
    port = s.port;
  });
  afterAll(async () => {
    await server.close();
    if (previous === undefined) delete process.env.ODY_HTTP_ENGINE;
    else process.env.ODY_HTTP_ENGINE = previous;
  });

  const cases: Array<[string, string | Buffer, number]> = [
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400],
    ['a missing Host header', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['a header without a colon', 'GET / HTTP/1.1\r\nhost: x\r\nbadheader\r\n\r\n', 400],
    ['an obs-fold continuation line', 'GET / HTTP/1.1\r\nhost: x\r\nx-a: 1\r\n  folded\r\n\r\n', 400],
    ['a NUL in a header value', 'GET / HTTP/1.1\r\nhost: x\r\nx-a: a\0b\r\n\r\n', 400],
    ['bare LF line endings', 'GET / HTTP/1.1\nhost: x\n\n', 400],
    ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400],
    ['TLS bytes on a plain port', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]), 400],
    ['a head larger than the parser bound', `GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(8000)}\r\n\r\n`, 431],
  ];
  for (const [name, data, expected] of cases) {
    it(`answers ${name} with ${expected} and closes`, async () => {
      const before = handled;
      // raw() resolves when the server closes the connection (or after 2 s: then the status check fails).
      const out = await raw(port, data);
      expect(status(out)).toBe(expected);
      expect(handled).toBe(before);
    });
  }

  it('still serves a well-formed request afterwards', async () => {
    expect(status(await raw(port, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'))).toBe(200);
  });
});
