import { type RedisHandle, startRedis } from '../../../test-support/redis-server.js';
import { alternate, median } from '../measure.js';
import type { Suite } from '../types.js';
import { roundTrip } from './cqrs/async.js';
import { pluginPeers } from './cqrs/plugin-peers.js';
import { nestRunner, odyRunner } from './cqrs/sync.js';

/**
 * CQRS: sequential awaited commands/s through Ody's CommandBus (bare, and with two middlewares)
 * against @nestjs/cqrs CommandBus.execute, alternating peers each round; then the async command
 * round trip (dispatch → queue worker → wait) per queue driver.
 */
const suite: Suite = {
  name: 'cqrs',
  async run({ quick }) {
    const n = quick ? 500_000 : 2_000_000;
    const rounds = quick ? 5 : 9;
    const bare = odyRunner(0);
    const twoMw = odyRunner(2);
    const nest = await nestRunner();
    // Warm every peer up before measuring.
    await bare(n / 5);
    await twoMw(n / 5);
    await nest.run(n / 5);
    const samples = await alternate(rounds, {
      'ody-bare': () => bare(n),
      'ody-2mw': () => twoMw(n),
      'nest-cqrs': () => nest.run(n),
    });
    await nest.close();
    const sync = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v as number[])])) as Record<keyof typeof samples, number>;

    // What users run: the bus cqrsPlugin wires by default, a new command per call, each peer in its own process.
    const plugin = await pluginPeers({ n: quick ? 200_000 : 1_000_000, rounds: quick ? 3 : 5 });

    const total = quick ? 2_000 : 10_000;
    const inFlight = 16;
    const memory = await roundTrip('memory', total, inFlight);
    const fs = await roundTrip('filesystem', quick ? 1_000 : 5_000, inFlight);
    let redis: RedisHandle | undefined;
    let redisRun: Awaited<ReturnType<typeof roundTrip>> | undefined;
    let redisNote = 'async-redis: skipped (no redis-server binary and no REDIS_URL)';
    try {
      redis = await startRedis();
      redisRun = await roundTrip('redis', total, inFlight, redis.url);
      redisNote = 'async-redis: Redis queue driver + Redis status store (pub/sub wake-ups) on a local redis-server, no persistence';
    } catch (err) {
      redisNote = `async-redis: skipped (${(err as Error).message})`;
    } finally {
      await redis?.stop();
    }

    return {
      rows: [
        { name: 'ody-bare', metric: 'commands/s', value: sync['ody-bare'] },
        { name: 'ody-2mw', metric: 'commands/s', value: sync['ody-2mw'] },
        { name: 'nest-cqrs', metric: 'commands/s', value: sync['nest-cqrs'] },
        ...plugin.rows,
        { name: 'async-memory', metric: 'commands/s', value: memory.perSecond },
        { name: 'async-memory', metric: 'p99 ms', value: memory.p99Ms },
        { name: 'async-filesystem', metric: 'commands/s', value: fs.perSecond },
        { name: 'async-filesystem', metric: 'p99 ms', value: fs.p99Ms },
        ...(redisRun === undefined
          ? []
          : [
              { name: 'async-redis', metric: 'commands/s', value: redisRun.perSecond },
              { name: 'async-redis', metric: 'p99 ms', value: redisRun.p99Ms },
            ]),
      ],
      ratios: {
        'ody-bare/nest-cqrs': sync['ody-bare'] / sync['nest-cqrs'],
        'ody-2mw/nest-cqrs': sync['ody-2mw'] / sync['nest-cqrs'],
        ...plugin.ratios,
      },
      notes: [
        `sync: ${n.toLocaleString('en-US')} sequential awaited commands per sample, median of ${rounds} alternating rounds; handlers are async and return a number`,
        'ody-2mw: two pass-through async middlewares that each count the message',
        'ody-bare / ody-2mw / nest-cqrs: one process, bare createBuses() bus, 1,024 reused command objects (best case, not what the plugin wires)',
        ...plugin.notes,
        `async: ${inFlight} commands in flight, dispatch → in-process queue worker → commandBus.wait(); filesystem driver non-durable (no fsync), status store on the same disk`,
        redisNote,
      ],
    };
  },
};

export default suite;
