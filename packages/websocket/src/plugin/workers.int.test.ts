import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../test-support/redis-server.js';
import { testEngines } from '../../../../test-support/engines.js';
import { Broadcaster } from '../index.js';
import { createApp } from '../fixtures/worker-app.js';
import { eventually, RawClient } from '../fixtures/raw-client.js';

/** One HTTP request on a fresh connection, so SO_REUSEPORT may hand it to either worker. */
function call(port: number, method: string, path: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
    });
    req.on('error', reject);
    req.end();
  });
}

// Worker threads share a port only on the uws engine (node's engine refuses thread mode with a typed
// error, tested in @ody/http); process workers across machines use the Redis adapter (redis.int.test.ts).
const threadsRun = testEngines().includes('uws');
if (!threadsRun) console.log('[engines] worker-thread WebSocket suite needs the uws engine: not run on the node engine');

describe.runIf(threadsRun)('two @ody/http worker threads joined by the worker adapter', () => {
  let app: Awaited<ReturnType<typeof createApp>>;
  let port: number;
  const clients: RawClient[] = [];
  const threadOf = new Map<RawClient, number>();

  beforeAll(async () => {
    port = await freePort();
    process.env.ODY_WS_TEST_PORT = String(port);
    process.env.ODY_WS_TEST_CHANNEL = `workers-${port}`;
    app = await createApp();
    await app.start();
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await app?.stop();
  }, 60_000);

  it('spreads clients over both workers; presence lists match on every thread', async () => {
    // Keep connecting (bounded) until both workers hold clients.
    for (let i = 0; i < 60 && (clients.length < 16 || new Set(threadOf.values()).size < 2); i++) {
      const c = await RawClient.open(`ws://127.0.0.1:${port}/ws?user=u${i}`);
      const ack = await c.request({ type: 'subscribe', channel: 'presence-room' });
      const me = (ack.data as { members: { id: string; info: { thread: number } }[] }).members.find((m) => m.id === `u${i}`);
      threadOf.set(c, me!.info.thread);
      await c.request({ type: 'subscribe', channel: 'news' });
      clients.push(c);
    }
    expect(new Set(threadOf.values()).size).toBe(2);
    const expected = clients.map((_, i) => `u${i}`).sort();
    const ids = (members: unknown) => (members as { id: string }[]).map((m) => m.id).sort();
    // The main thread's replica (it holds no sockets) and both workers' replicas agree.
    await eventually(async () => ids(await app.get(Broadcaster).members('presence-room')).join() === expected.join(), 10_000, 'main replica');
    const seen = new Map<number, Record<string, unknown>>();
    for (let i = 0; i < 100 && seen.size < 2; i++) {
      const r = await call(port, 'GET', '/members');
      seen.set(r.thread as number, r);
    }
    expect(seen.size).toBe(2);
    for (const r of seen.values()) {
      expect(ids(r.members)).toEqual(expected);
      expect(r.connections).toBe(clients.length);
    }
  });

  it('delivers a publish from either worker (and the main thread) to 100% of subscribers', async () => {
    const from = new Set<number>();
    let seq = 0;
    for (let i = 0; i < 100 && from.size < 2; i++) {
      const r = await call(port, 'POST', `/publish/${++seq}`);
      from.add(r.thread as number);
    }
    expect(from.size).toBe(2);
    app.get(Broadcaster).publish('news', 'item', { seq: ++seq, thread: 0 });
    for (const c of clients) {
      await c.waitFor(() => c.events('item').length === seq);
      expect(c.events('item').map((f) => (f.data as { seq: number }).seq)).toEqual(Array.from({ length: seq }, (_, k) => k + 1));
    }
  });

  it('removes members that disconnect on any worker', async () => {
    const leaving = clients.splice(0, 4);
    for (const c of leaving) c.close();
    const expected = new Set(clients.map((c) => c.ws.url.split('user=')[1]));
    await eventually(async () => {
      const members = await app.get(Broadcaster).members('presence-room');
      return members.length === expected.size && members.every((m) => expected.has(m.id));
    }, 10_000, 'leavers to disappear');
  });
});
