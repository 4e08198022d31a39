import { type AnyPlugin, createApplication } from '@ody/core';
import { HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import { Broadcaster, websocketPlugin } from '@ody/websocket';
import { createClient } from '@ody/websocket/client';
import { until } from '../../../../test-support/wait.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commandChannel } from '../async/status-events.js';
import type { CommandRecord } from '../async/types.js';
import { Async, CommandHandler } from '../decorators/decorators.js';
import { Command } from '../messages/message.js';
import { AsyncRuntime, CommandBus } from '../tokens.js';
import { cqrsPlugin } from './plugin.js';
import { BroadcasterKey } from './status-channel.js';

@Async({ queue: 'status-orders', attempts: 2, backoff: 0 })
class Ship extends Command<{ shipped: string }> {
  static schema = z.object({ sku: z.string(), fail: z.boolean() });
  constructor(
    readonly sku: string,
    readonly fail: boolean,
  ) {
    super();
  }
}

@CommandHandler(Ship)
class ShipHandler {
  execute(cmd: Ship) {
    if (cmd.fail) throw new Error(`cannot ship ${cmd.sku}`);
    return { shipped: cmd.sku };
  }
}

async function start(cqrs: Record<string, unknown> = {}) {
  const app = await createApplication({
    envFile: false,
    env: {},
    config: {
      app: { logLevel: 'silent' },
      http: { host: '127.0.0.1', port: 0, engine: 'node' },
      queue: { driver: 'memory' },
      // No workers at start: the test subscribes first, then starts them, so it sees every transition.
      cqrs: { worker: { enabled: false, waitMs: 20 }, ...cqrs },
    },
    plugins: [httpPlugin(), websocketPlugin({ authenticate: () => ({ id: 'u' }) }), queuePlugin(), cqrsPlugin({ handlers: [ShipHandler] })] as AnyPlugin[],
  });
  await app.start();
  return app;
}

describe('command status on WebSocket channels', () => {
  it('uses the same DI key as @ody/websocket Broadcaster', () => {
    expect(BroadcasterKey).toBe(Broadcaster);
  });

  it('pushes queued → running → succeeded, and retries up to failed, to a real WebSocket client', async () => {
    const app = await start();
    const client = createClient({ url: `ws://127.0.0.1:${app.get(HttpServer).port}/ws`, reconnect: false });
    try {
      const bus = app.get(CommandBus);
      const runtime = app.get(AsyncRuntime);
      const local: CommandRecord[] = [];
      runtime.events.on('status', (r) => local.push(r));
      await client.connect();
      const ok = await bus.dispatch(new Ship('book', false));
      const bad = await bus.dispatch(new Ship('piano', true));
      // The dispatching process saw the queued records (a client cannot know the id before dispatch returns).
      expect(local.map((r) => [r.id, r.state])).toEqual([
        [ok.commandId, 'queued'],
        [bad.commandId, 'queued'],
      ]);
      const seen = new Map<string, CommandRecord[]>();
      for (const id of [ok.commandId, bad.commandId]) {
        const list: CommandRecord[] = [];
        seen.set(id, list);
        const channel = await client.subscribe<{ status: CommandRecord }>(commandChannel(id));
        channel.on('status', (record) => list.push(record));
      }
      runtime.startWorkers();
      await until('both commands finished on their channels', () => seen.get(ok.commandId)?.at(-1)?.state === 'succeeded' && seen.get(bad.commandId)?.at(-1)?.state === 'failed');
      expect(seen.get(ok.commandId)?.map((r) => r.state)).toEqual(['running', 'succeeded']);
      expect(seen.get(ok.commandId)?.at(-1)).toMatchObject({ id: ok.commandId, name: 'Ship', attempts: 1, result: { shipped: 'book' } });
      const failing = seen.get(bad.commandId) ?? [];
      expect(failing.map((r) => [r.state, r.attempts])).toEqual([
        ['running', 1],
        ['queued', 1],
        ['running', 2],
        ['failed', 2],
      ]);
      expect(failing.at(-1)?.error).toMatchObject({ message: 'cannot ship piano' });
      // What the channel carried is what the store holds.
      expect(await bus.status(ok.commandId)).toEqual(seen.get(ok.commandId)?.at(-1));
    } finally {
      client.close();
      await app.stop();
    }
  });

  it('uses the configured prefix, and publishes nothing when statusChannel.enabled is false', async () => {
    const app = await start({ statusChannel: { prefix: 'cmd.' } });
    const client = createClient({ url: `ws://127.0.0.1:${app.get(HttpServer).port}/ws`, reconnect: false });
    try {
      await client.connect();
      const { commandId } = await app.get(CommandBus).dispatch(new Ship('lamp', false));
      const states: string[] = [];
      (await client.subscribe<{ status: CommandRecord }>(`cmd.${commandId}`)).on('status', (r) => states.push(r.state));
      app.get(AsyncRuntime).startWorkers();
      await until('the command finished on cmd.<id>', () => states.at(-1) === 'succeeded');
      expect(states).toEqual(['running', 'succeeded']);
    } finally {
      client.close();
      await app.stop();
    }
    const off = await start({ statusChannel: { enabled: false } });
    try {
      expect(off.get(AsyncRuntime).events.listenerCount('status')).toBe(0);
    } finally {
      await off.stop();
    }
  });
});
