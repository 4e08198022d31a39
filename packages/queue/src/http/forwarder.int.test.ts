import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type UwsHttpServer } from '@ody/http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { filesystemDriver } from '../drivers/filesystem/driver.js';
import { memoryDriver } from '../drivers/memory/driver.js';
import { Queue } from '../runtime/queue.js';
import { Worker } from '../runtime/worker.js';
import { until } from '../testing/harness.js';
import { Forwarder } from './forwarder.js';
import { fileSeenStore } from './seen.js';
import { mountQueueServer } from './server.js';

const root = mkdtempSync(join(tmpdir(), 'ody-queue-http-'));
const TOKEN = 'secret-token';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function startServer(serverQueue: Queue, port = 0, seenDir = join(root, 'seen')): Promise<UwsHttpServer> {
  const server = createServer({ config: { host: '127.0.0.1', port } });
  mountQueueServer(server.router, { resolve: (n) => (n === serverQueue.name ? serverQueue : undefined), tokens: [TOKEN], seen: fileSeenStore(seenDir), maxBodyBytes: 4096 });
  await server.listen();
  return server;
}

/** Test plumbing: a TCP relay with a fixed port in front of servers that come and go on fresh ports. */
async function relay(): Promise<{ port: number; target: { port: number }; close: () => Promise<void> }> {
  const target = { port: 0 };
  const sockets = new Set<import('node:net').Socket>();
  const tcp: Server = createTcpServer((client) => {
    const upstream = connect(target.port, '127.0.0.1');
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const port = (tcp.address() as { port: number }).port;
  return {
    port,
    target,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        tcp.close(() => r());
      }),
  };
}

const post = (port: number, body: unknown, token = TOKEN, queue = 'inbox') =>
  fetch(`http://127.0.0.1:${port}/queues/${queue}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('HTTP store-and-forward', () => {
  it('the server endpoint checks the token, validates, limits the body and dedupes by message id', async () => {
    const serverQueue = new Queue('inbox', { driver: memoryDriver() });
    const server = await startServer(serverQueue, 0, join(root, 'seen-a'));
    cleanups.push(() => server.close());
    const msg = { messages: [{ id: 'm-1', name: 'greet', payload: { hi: 1 } }] };
    const wrong = await post(server.port, msg, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(((await wrong.json()) as { code: string }).code).toBe('ODY_QUEUE_HTTP_UNAUTHORIZED');
    expect(await (await post(server.port, msg)).json()).toEqual({ accepted: 1, duplicates: 0 });
    expect(await (await post(server.port, msg)).json()).toEqual({ accepted: 0, duplicates: 1 });
    const malformed = await post(server.port, { messages: [{ name: 'x' }] });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('ODY_QUEUE_HTTP_BAD_REQUEST');
    expect((await post(server.port, '{not json')).status).toBe(400);
    expect((await post(server.port, { messages: [{ id: 'big', name: 'x', payload: 'y'.repeat(10_000) }] })).status).toBe(413);
    expect((await post(server.port, msg, TOKEN, 'other')).status).toBe(404);
    expect((await serverQueue.counts()).waiting).toBe(1);
  });

  it('producers keep pushing while the server is down; after restart every message arrives exactly once', async () => {
    const serverQueue = new Queue('inbox', { driver: memoryDriver() });
    const received: number[] = [];
    const serverWorker = new Worker<{ n: number }>(serverQueue, (job) => {
      received.push(job.data.n);
    }, { concurrency: 4 });
    cleanups.push(() => serverWorker.close());
    let server = await startServer(serverQueue);
    const front = await relay();
    front.target.port = server.port;
    cleanups.push(front.close);
    const port = front.port;
    const outboxDriver = filesystemDriver({ dir: join(root, 'outbox') });
    const forwarder = new Forwarder({
      outbox: new Queue('outbox', { driver: outboxDriver }),
      url: `http://127.0.0.1:${port}`,
      remoteQueue: 'inbox',
      token: TOKEN,
      retryDelayMs: 50,
      maxRetryDelayMs: 200,
    });
    cleanups.push(async () => {
      await forwarder.close({ timeoutMs: 500 });
      await outboxDriver.close();
    });
    let retries = 0;
    forwarder.events.on('retrying', () => retries++);
    for (let n = 0; n < 50; n++) await forwarder.push('n', { n });
    await until('first 50 delivered', () => received.length === 50);
    await server.close();
    for (let n = 50; n < 150; n++) await forwarder.push('n', { n });
    await until('forwarder retrying while the server is down', () => retries > 3);
    expect(received.length).toBe(50);
    server = await startServer(serverQueue); // a new server process would come up the same way
    front.target.port = server.port;
    cleanups.push(() => server.close());
    await until('all 150 delivered', async () => received.length >= 150 && (await forwarder.outbox.counts()).completed === 150, 20_000);
    expect([...received].sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(await forwarder.outbox.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, failed: 0 });
  });
});
