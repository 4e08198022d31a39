import { createApplication } from '@ody/core';
import { Async, Command, CommandBus, cqrsPlugin } from '@ody/cqrs';
import { HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin, Queues } from '@ody/queue';
import { Broadcaster, websocketPlugin } from '@ody/websocket';
import { expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import { otelPlugin } from './plugin.js';
import { sample } from './test-support/prometheus.js';
import { subscribed } from './test-support/ws.js';

const silent = { destination: { write: () => true } } as never;

@Async({ queue: 'orders', attempts: 1 })
class Ship extends Command<string> {
  constructor(readonly sku: string) {
    super();
  }
}

it('scraped after real activity: async command states, WebSocket channels / messages in and out / slow consumers, oldest waiting job age', async () => {
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: silent,
    config: {
      app: { logLevel: 'silent' },
      http: { port: 0, host: '127.0.0.1' },
      queue: { driver: 'memory' },
      cqrs: { worker: { waitMs: 50 } },
      websocket: { maxBackpressure: 64 * 1024 },
    },
    plugins: [
      httpPlugin(),
      queuePlugin(),
      websocketPlugin(),
      cqrsPlugin({
        setup: ({ commandBus }) =>
          void commandBus.register(Ship, (c) => {
            if (c.sku === 'broken') throw new Error('cannot ship');
            return `shipped ${c.sku}`;
          }),
      }),
      otelPlugin({ metrics: { enabled: true } }),
    ],
  });
  await app.start();
  const port = app.get(HttpServer).port;
  const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const fast = await subscribed(`ws://127.0.0.1:${port}/ws`, 'news');
  const slow = await subscribed(`ws://127.0.0.1:${port}/ws`, 'firehose');
  try {
    // Async commands: one succeeds, one fails (a single attempt).
    const bus = app.get(CommandBus);
    const ok = await bus.dispatch(new Ship('a'));
    const bad = await bus.dispatch(new Ship('broken'));
    expect(await bus.wait(ok.commandId, { timeoutMs: 10_000 })).toBe('shipped a');
    await expect(bus.wait(bad.commandId, { timeoutMs: 10_000 })).rejects.toThrow();
    const commands = await until('the failed state counted', async () => {
      const text = await scrape();
      return sample(text, 'ody_cqrs_async_commands_total', { command: 'Ship', state: 'failed' }) === 1 ? text : undefined;
    });
    // `queued` is stored by the dispatch unless a fast worker already wrote the record (then it is not a change).
    expect(sample(commands, 'ody_cqrs_async_commands_total', { command: 'Ship', state: 'queued' })).toBeGreaterThanOrEqual(1);
    expect(sample(commands, 'ody_cqrs_async_commands_total', { command: 'Ship', state: 'running' })).toBe(2);
    expect(sample(commands, 'ody_cqrs_async_commands_total', { command: 'Ship', state: 'succeeded' })).toBe(1);

    // WebSocket: two channels subscribed; the subscribe messages came in; publishes go out.
    const broadcaster = app.get(Broadcaster);
    // cqrs pushes each command's status changes on its own channel: those frames count too.
    const outBefore = sample(await scrape(), 'ody_websocket_messages_total', { direction: 'out' }) ?? 0;
    broadcaster.publish('news', 'hello', { n: 1 });
    await until('the news frame', () => fast.frames.some((f) => f.event === 'hello'));
    let text = await scrape();
    expect(sample(text, 'ody_websocket_channels')).toBe(2);
    expect(sample(text, 'ody_websocket_messages_total', { direction: 'in' })).toBe(2);
    expect(sample(text, 'ody_websocket_messages_total', { direction: 'out' })).toBe(outBefore + 1);
    expect(sample(text, 'ody_websocket_slow_consumers')).toBe(0);

    // A client that stops reading becomes a slow consumer once its buffer reaches maxBackpressure.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = 'z'.repeat(64 * 1024);
    text = await until(
      'a slow consumer',
      async () => {
        for (let i = 0; i < 16; i++) broadcaster.publish('firehose', 'blob', chunk);
        const t = await scrape();
        return sample(t, 'ody_websocket_slow_consumers') === 1 ? t : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(sample(text, 'ody_websocket_messages_total', { direction: 'out' })).toBeGreaterThan(outBefore + 16);

    // A job nobody works: its waiting age grows.
    const queues = app.get(Queues);
    await queues.queue('idle').push('later', { n: 1 });
    const pushedAt = Date.now();
    text = await until('an age for the idle queue', async () => {
      const t = await scrape();
      return (sample(t, 'ody_queue_oldest_waiting_age_seconds', { queue: 'idle' }) ?? 0) >= 0.05 ? t : undefined;
    });
    expect(sample(text, 'ody_queue_oldest_waiting_age_seconds', { queue: 'idle' })).toBeLessThanOrEqual((Date.now() - pushedAt) / 1000 + 0.05);
    // A queue whose jobs were all taken has no waiting job: age 0.
    expect(sample(text, 'ody_queue_oldest_waiting_age_seconds', { queue: 'orders' })).toBe(0);
  } finally {
    fast.close();
    slow.close();
    await app.stop();
  }
});
