import { createApplication } from '@ody/core';
import { queuePlugin } from '@ody/queue';
import { redisDriverFactory } from '@ody/queue-redis';
import { expect, it } from 'vitest';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { Async } from '../decorators/decorators.js';
import { Command } from '../messages/message.js';
import { CommandBus, CommandStatusStore } from '../tokens.js';
import { cqrsPlugin } from './plugin.js';

@Async({ queue: 'greetings' })
class Greet extends Command<string> {
  constructor(readonly who: string) {
    super();
  }
}

const silent = { destination: { write: () => true } as never };

describeWithRedis('cqrsPlugin with the redis queue driver', (redis) => {
  it("picks the Redis status store by itself ('auto') and runs async commands through it", async () => {
    const prefix = `${redis.prefix}p`;
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: silent,
      config: { app: { logLevel: 'silent' }, queue: { driver: 'redis', redis: { url: redis.url, prefix } }, cqrs: { worker: { waitMs: 50 }, status: { prefix } } },
      plugins: [queuePlugin({ drivers: { redis: redisDriverFactory } }), cqrsPlugin({
          setup: ({ commandBus }) => {
            commandBus.register(Greet, (g) => `hello ${g.who}`);
          },
        }),],
    });
    await app.start();
    try {
      expect(app.get(CommandStatusStore).name).toBe('redis');
      const bus = app.get(CommandBus);
      const { commandId } = await bus.dispatch(new Greet('ody'), { idempotencyKey: 'greet-1' });
      expect(await bus.wait(commandId, { timeoutMs: 10_000 })).toBe('hello ody');
      expect(await bus.status(commandId)).toMatchObject({ state: 'succeeded', idempotencyKey: 'greet-1', queue: 'greetings' });
    } finally {
      await app.stop();
    }
  });
});

it("refuses status.store 'redis' without the Redis queue driver", async () => {
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: silent,
    config: { app: { logLevel: 'silent' }, queue: { driver: 'memory' }, cqrs: { status: { store: 'redis' } } },
    plugins: [queuePlugin(), cqrsPlugin()],
  });
  await expect(app.start()).rejects.toThrow(/status.store 'redis' needs the Redis queue driver/);
});
