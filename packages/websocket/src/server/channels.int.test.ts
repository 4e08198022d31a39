import { currentContext, type OdyContext } from '@ody/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebSocketServer, type StandaloneServer } from '../index.js';
import { eventually, RawClient, upgradeStatus } from '../fixtures/raw-client.js';
import { describeEngines } from '../../../../test-support/engines.js';

interface User {
  id: string;
  info: { name: string };
  rooms: string[];
}

const users: Record<string, User> = {
  alice: { id: 'alice', info: { name: 'Alice' }, rooms: ['private-alice', 'presence-lobby'] },
  bob: { id: 'bob', info: { name: 'Bob' }, rooms: ['presence-lobby'] },
};

describeEngines(() => {
  describe('channels over real sockets', () => {
    let server: StandaloneServer<User>;
    const contexts: Array<OdyContext | undefined> = [];
    const clients: RawClient[] = [];
    const connect = async (name?: string) => {
      const c = await RawClient.open(server.url, name ? { authorization: `Bearer ${name}` } : undefined);
      clients.push(c);
      return c;
    };

    beforeAll(async () => {
      server = await createWebSocketServer<User>({
        authenticate: async (req) => {
          await new Promise((r) => setTimeout(r, 5)); // the request (headers) must survive an await
          const name = req.headers.authorization?.replace('Bearer ', '') ?? '';
          if (name === 'anon') return { id: 'anon', info: { name: 'Anon' }, rooms: [] };
          return users[name] ?? null;
        },
        authorizeChannel: (user, channel) => {
          contexts.push(currentContext());
          return user.rooms.includes(channel);
        },
        canPublish: (_user, channel) => channel === 'chat',
      });
    });
    afterAll(async () => {
      for (const c of clients) c.close();
      await server.close();
    });

    it('answers 401 at the HTTP level when authenticate rejects', async () => {
      const { status, body } = await upgradeStatus(server.url, { authorization: 'Bearer mallory' });
      expect(status).toBe(401);
      expect(JSON.parse(body)).toMatchObject({ status: 401, code: 'ODY_WS_UNAUTHORIZED' });
      const missing = await upgradeStatus(server.url);
      expect(missing.status).toBe(401);
    });

    it('delivers server publishes on a public channel to subscribers only', async () => {
      const a = await connect('alice');
      const b = await connect('bob');
      expect(await a.request({ type: 'subscribe', channel: 'news' })).toMatchObject({ event: 'ack', data: { channel: 'news' } });
      server.hub.publish('news', 'headline', { title: 'one' });
      const got = await a.waitFor((f) => f.event === 'headline');
      expect(got).toEqual({ event: 'headline', channel: 'news', data: { title: 'one' } });
      // b is not subscribed: a ping round trip after the publish proves nothing arrived before it
      await b.request({ type: 'ping' });
      expect(b.events('headline')).toHaveLength(0);
    });

    it('authorises private channels and answers forbidden with an error frame', async () => {
      const a = await connect('alice');
      const b = await connect('bob');
      expect(await a.request({ type: 'subscribe', channel: 'private-alice' })).toMatchObject({ event: 'ack' });
      const refused = await b.request({ type: 'subscribe', channel: 'private-alice' });
      // hooks run inside an Ody context naming the connection
      expect(contexts.at(-1)).toMatchObject({ connectionId: b.connectionId, correlationId: expect.any(String) });
      expect(refused).toMatchObject({ event: 'error', code: 'ODY_WS_FORBIDDEN', channel: 'private-alice' });
      server.hub.publish('private-alice', 'secret', 42);
      expect((await a.waitFor((f) => f.event === 'secret')).data).toBe(42);
      await b.request({ type: 'ping' });
      expect(b.events('secret')).toHaveLength(0);
    });

    it('sends the member list on presence join and member_added / member_removed to others', async () => {
      const a = await connect('alice');
      const joinA = await a.request({ type: 'subscribe', channel: 'presence-lobby' });
      expect(joinA).toMatchObject({ event: 'ack', data: { members: [{ id: 'alice', info: { name: 'Alice' } }] } });
      const b = await connect('bob');
      const joinB = await b.request({ type: 'subscribe', channel: 'presence-lobby' });
      expect((joinB.data as { members: { id: string }[] }).members.map((m) => m.id).sort()).toEqual(['alice', 'bob']);
      expect(await a.waitFor((f) => f.event === 'member_added')).toMatchObject({
        channel: 'presence-lobby',
        data: { id: 'bob', info: { name: 'Bob' } },
      });
      // a joining member never hears about itself
      expect(b.events('member_added')).toHaveLength(0);
      expect((await server.hub.members('presence-lobby')).map((m) => m.id).sort()).toEqual(['alice', 'bob']);
      b.close();
      expect(await a.waitFor((f) => f.event === 'member_removed')).toMatchObject({ data: { id: 'bob' } });
      await eventually(async () => (await server.hub.members('presence-lobby')).length === 1, 5000, 'bob to leave');
      a.close();
      await eventually(async () => (await server.hub.members('presence-lobby')).length === 0, 5000, 'alice to leave');
    });

    it('keeps one member per user across several connections', async () => {
      const watcher = await connect('alice');
      await watcher.request({ type: 'subscribe', channel: 'presence-lobby' });
      const b1 = await connect('bob');
      const b2 = await connect('bob');
      await b1.request({ type: 'subscribe', channel: 'presence-lobby' });
      await b2.request({ type: 'subscribe', channel: 'presence-lobby' });
      await b1.request({ type: 'unsubscribe', channel: 'presence-lobby' });
      await watcher.request({ type: 'ping' });
      expect(watcher.events('member_added')).toHaveLength(1);
      expect(watcher.events('member_removed')).toHaveLength(0);
      await b2.request({ type: 'unsubscribe', channel: 'presence-lobby' });
      await watcher.waitFor((f) => f.event === 'member_removed');
      watcher.close();
    });

    it('lets clients publish only where canPublish allows, never echoing to the sender', async () => {
      const a = await connect('alice');
      const b = await connect('bob');
      await a.request({ type: 'subscribe', channel: 'chat' });
      await b.request({ type: 'subscribe', channel: 'chat' });
      expect(await a.request({ type: 'publish', channel: 'chat', event: 'say', data: 'hi' })).toMatchObject({ event: 'ack' });
      expect(await b.waitFor((f) => f.event === 'say')).toMatchObject({ channel: 'chat', data: 'hi', from: 'alice' });
      await a.request({ type: 'ping' });
      expect(a.events('say')).toHaveLength(0);
      await a.request({ type: 'subscribe', channel: 'news' });
      expect(await a.request({ type: 'publish', channel: 'news', event: 'fake', data: 1 })).toMatchObject({
        event: 'error',
        code: 'ODY_WS_FORBIDDEN',
      });
    });

    it('whispers to the other members of private/presence channels only', async () => {
      const a = await connect('alice');
      const b = await connect('bob');
      await a.request({ type: 'subscribe', channel: 'presence-lobby' });
      await b.request({ type: 'subscribe', channel: 'presence-lobby' });
      expect(await a.request({ type: 'whisper', channel: 'presence-lobby', event: 'typing', data: { on: true } })).toMatchObject({
        event: 'ack',
      });
      expect(await b.waitFor((f) => f.event === 'client-typing')).toMatchObject({ data: { on: true }, from: 'alice' });
      await a.request({ type: 'subscribe', channel: 'news' });
      expect(await a.request({ type: 'whisper', channel: 'news', event: 'x' })).toMatchObject({ code: 'ODY_WS_WHISPER_NOT_ALLOWED' });
      expect(await b.request({ type: 'whisper', channel: 'private-alice', event: 'x' })).toMatchObject({ code: 'ODY_WS_NOT_SUBSCRIBED' });
    });

    it('acks pings and excludes a connection from a server publish with except', async () => {
      const a = await connect('alice');
      const b = await connect('bob');
      expect(await a.request({ type: 'ping' })).toMatchObject({ event: 'ack' });
      a.send({ type: 'ping' });
      await a.waitFor((f) => f.event === 'pong');
      await a.request({ type: 'subscribe', channel: 'feed' });
      await b.request({ type: 'subscribe', channel: 'feed' });
      server.hub.publish('feed', 'item', 1, { except: a.connectionId });
      server.hub.publish('feed', 'item', 2);
      await a.waitFor((f) => f.event === 'item');
      await b.waitFor((f) => f.event === 'item' && f.data === 2);
      expect(a.events('item').map((f) => f.data)).toEqual([2]);
      expect(b.events('item').map((f) => f.data)).toEqual([1, 2]);
      expect(await server.hub.connectionCount()).toBe(server.hub.localConnectionCount());
    });
  });
});
