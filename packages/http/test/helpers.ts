import net from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@ody/core';
import { createServer, type HttpConfigInput, type HttpRouter, type UwsHttpServer } from '../src/index.js';

/** A quiet logger that keeps its lines for assertions. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** Start a server on a random loopback port with routes added by `setup`. */
export async function start(
  setup: (router: HttpRouter, server: UwsHttpServer) => void,
  config: HttpConfigInput = {},
): Promise<{ server: UwsHttpServer; url: string; port: number; lines: Array<Record<string, unknown>> }> {
  const { logger, lines } = memoryLogger();
  const server = createServer({ config: { host: '127.0.0.1', port: 0, ...config }, logger });
  setup(server.router, server);
  const port = await server.listen();
  return { server, url: `http://127.0.0.1:${port}`, port, lines };
}

/** Send raw bytes on a fresh connection and collect everything until the server closes or `ms` pass. */
export function raw(port: number, data: string | Buffer, ms = 2000): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => sock.destroy(), ms);
    sock.on('data', (d) => {
      out += d.toString('latin1');
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    sock.on('error', () => undefined);
    sock.write(data);
  });
}

/** A connected socket with helpers to send requests and read responses one by one. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** Read from a socket until `pattern` appears in the accumulated text (bounded by ms). */
export function readUntil(sock: net.Socket, pattern: RegExp, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      if (pattern.test(buf)) {
        cleanup();
        resolve(buf);
      }
    };
    const onClose = () => {
      cleanup();
      resolve(buf);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for ${pattern}; got ${JSON.stringify(buf.slice(0, 300))}`));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('close', onClose);
    };
    sock.on('data', onData);
    sock.on('close', onClose);
  });
}

/** Resolve after the given number of event-loop turns (no wall-clock assumptions). */
export async function until(check: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('condition not reached');
}
