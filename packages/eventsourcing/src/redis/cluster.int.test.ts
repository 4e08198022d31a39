import { randomBytes } from 'node:crypto';
import ioredis, { type Cluster } from 'ioredis';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import { describeWithRedisCluster } from '../../../../test-support/redis-harness.js';
import { eventStoreConformance } from '../testing/index.js';
import { until } from '../testing/api.js';
import { type RedisEventStore, redisEventStore } from './index.js';

describeWithRedisCluster('redis event store on a Redis Cluster (ioredis Cluster client)', (cluster) => {
  const prefix = () => `${cluster.prefix}-${randomBytes(4).toString('hex')}`;
  const connect = (): Cluster => new ioredis.Cluster([{ host: cluster.host, port: cluster.port }]);
  /** A store on its own Cluster client; its close() also quits the client (the store never closes a client it was given). */
  const open = (p = prefix()): RedisEventStore => {
    const client = connect();
    const store = redisEventStore({ client, prefix: p });
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      await client.quit().catch(() => undefined);
    };
    return store;
  };

  eventStoreConformance('redis (Cluster client)', () => open(), vitest, { writers: 20, eventsPerWriter: 200 });

  it("each store's keys all hash to its own prefix's slot; two prefixes, two slots", async () => {
    const admin = connect();
    const keyslot = async (key: string) => Number(await admin.call('CLUSTER', 'KEYSLOT', key));
    const a = prefix();
    let b = prefix();
    while ((await keyslot(`{${b}}`)) === (await keyslot(`{${a}}`))) b = prefix();
    const stores = [open(a), open(b)];
    try {
      for (const store of stores) {
        await store.append('cart-1', [{ type: 'added', data: 1 }, { type: 'added', data: 2 }]);
        await store.append('cart-2', [{ type: 'added', data: 3 }], { expectedVersion: 'no-stream' });
        await store.deleteStream('cart-2');
        await store.saveSnapshot({ stream: 'cart-1', version: 2, schemaVersion: 1, state: { n: 2 } });
        await Promise.all(['x', 'y', 'z'].map((s) => store.append(s, [{ type: 'n', data: s }]))); // one batch, several stream keys
      }
      const slots: number[] = [];
      for (const p of [a, b]) {
        const keys: string[] = [];
        for (const node of admin.nodes('master')) {
          let cursor = '0';
          do {
            const [next, found] = await node.scan(cursor, 'MATCH', `{${p}}:*`, 'COUNT', 1000);
            keys.push(...found);
            cursor = next;
          } while (cursor !== '0');
        }
        // stream lists, versions, delete marks, head, log, snapshots and the append's done markers
        for (const k of ['ver', 'del', 'head', 'log', 'snap', 's:cart-1', 's:cart-2', 's:x', 's:y', 's:z']) expect(keys).toContain(`{${p}}:${k}`);
        expect(keys.some((k) => k.startsWith(`{${p}}:done:`))).toBe(true);
        const keySlots = new Set(await Promise.all(keys.map(keyslot)));
        expect([...keySlots]).toEqual([await keyslot(`{${p}}`)]);
        slots.push(await keyslot(`{${p}}`));
      }
      expect(slots[0]).not.toBe(slots[1]);
      // and the two stores are independent
      expect((await stores[0]!.readAll()).map((e) => e.globalPosition)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await stores[1]!.headPosition()).toBe(6);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await admin.quit();
    }
  });

  it("wakes an onAppended listener on another client's append (PUBLISH/SUBSCRIBE through the cluster)", async () => {
    const p = prefix();
    const listening = open(p);
    const writer = open(p);
    try {
      let woken = 0;
      listening.onAppended(() => woken++);
      // The subscription is asynchronous: append until one wake-up arrives (each append publishes).
      await until('a wake-up from the other client', async () => {
        await writer.append('w', [{ type: 'n', data: 1 }]);
        return woken > 0;
      }, 5_000, 50);
      expect(woken).toBeGreaterThan(0);
    } finally {
      await Promise.all([listening.close(), writer.close()]);
    }
  });
});
