import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { createWebSocketServer } from '../index.js';
import { redisAdapter } from '../redis.js';
import { NodeProcess } from '../fixtures/node-process.js';
import { eventually, RawClient } from '../fixtures/raw-client.js';
import { describeEngines } from '../../../../test-support/engines.js';

describeEngines(() => {
  describeWithRedis('Redis adapter: two server processes', (redis) => {
    const nodes: NodeProcess[] = [];
    const clients: RawClient[] = [];
    let a: NodeProcess;
    let b: NodeProcess;

    beforeAll(async () => {
      const env = { REDIS_URL: redis.url, ODY_WS_PREFIX: `test:${randomUUID()}` };
      [a, b] = await Promise.all([NodeProcess.start(env), NodeProcess.start(env)]);
      nodes.push(a, b);
    }, 60_000);
    afterAll(async () => {
      for (const c of clients) c.close();
      await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
    });

    const join = async (node: NodeProcess, user: string) => {
      const c = await RawClient.open(`${node.url}?user=${user}`);
      clients.push(c);
      await c.request({ type: 'subscribe', channel: 'news' });
      const ack = await c.request({ type: 'subscribe', channel: 'presence-room' });
      return { c, ack };
    };

    it('delivers publishes from either process to subscribers on both', async () => {
      const onA = await join(a, 'alice');
      const onB = await join(b, 'bob');
      // bob joined after alice: his member list, seen from another process, already has her
      expect((onB.ack.data as { members: { id: string }[] }).members.map((m) => m.id).sort()).toEqual(['alice', 'bob']);
      expect(await onA.c.waitFor((f) => f.event === 'member_added')).toMatchObject({ data: { id: 'bob' } });
      await a.command('publish', { channel: 'news', event: 'from-a', data: 1 });
      await b.command('publish', { channel: 'news', event: 'from-b', data: 2 });
      for (const { c } of [onA, onB]) {
        await c.waitFor((f) => f.event === 'from-a');
        await c.waitFor((f) => f.event === 'from-b');
      }
      // a client publish on B reaches A too
      expect(await onB.c.request({ type: 'publish', channel: 'news', event: 'chat', data: 'hi' })).toMatchObject({ event: 'ack' });
      expect(await onA.c.waitFor((f) => f.event === 'chat')).toMatchObject({ data: 'hi', from: 'bob' });
      expect(await a.memberIds('presence-room')).toEqual(['alice', 'bob']);
      expect(await b.memberIds('presence-room')).toEqual(['alice', 'bob']);
      expect((await a.command('members', { channel: 'presence-room' })).connections).toBe(2);
    });

    it('drops the members of a SIGKILLed process from presence (TTL heartbeat)', async () => {
      const watcher = clients[0]!;
      await join(b, 'carol');
      await eventually(async () => (await a.memberIds('presence-room')).includes('carol'), 10_000, 'carol to join');
      await b.kill('SIGKILL');
      // b never said goodbye; its heartbeat expires and a removes bob and carol, telling its clients.
      await watcher.waitFor((f) => f.event === 'member_removed' && (f.data as { id: string }).id === 'carol', 15_000);
      await watcher.waitFor((f) => f.event === 'member_removed' && (f.data as { id: string }).id === 'bob', 15_000);
      expect(await a.memberIds('presence-room')).toEqual(['alice']);
      expect((await a.command('members', { channel: 'presence-room' })).connections).toBe(1);
    });
  });

  describeWithRedis('Redis adapter: in-process', (redis) => {
    it('cleans its own presence on close and sends member_removed to the other node', async () => {
      const prefix = `test:${randomUUID()}`;
      const make = () =>
        createWebSocketServer<{ id: string }>({
          adapter: redisAdapter({ redis: redis.url, prefix, heartbeatMs: 200, ttlMs: 1000 }),
          authenticate: (req) => ({ id: new URLSearchParams(req.query).get('user') ?? 'anon' }),
          authorizeChannel: () => true,
        });
      const [one, two] = await Promise.all([make(), make()]);
      try {
        const x = await RawClient.open(`${one.url}?user=x`);
        const y = await RawClient.open(`${two.url}?user=y`);
        await x.request({ type: 'subscribe', channel: 'presence-p' });
        await y.request({ type: 'subscribe', channel: 'presence-p' });
        expect((await one.hub.members('presence-p')).map((m) => m.id).sort()).toEqual(['x', 'y']);
        await two.close();
        await x.waitFor((f) => f.event === 'member_removed' && (f.data as { id: string }).id === 'y');
        expect((await one.hub.members('presence-p')).map((m) => m.id)).toEqual(['x']);
        x.close();
        y.close();
      } finally {
        await one.close();
        await two.close();
      }
    });
  });
});
