// The options rule, checked once per plugin: schema default < code options (the plugin factory's
// argument) < config section < ODY_<PLUGIN>_<KEY> env. Each case creates (never starts) four apps.
import { cqrsPlugin } from '@ody/cqrs';
import { dashboardPlugin } from '@ody/dashboard';
import { eventStorePlugin, memoryEventStore } from '@ody/eventsourcing';
import { httpPlugin } from '@ody/http';
import { otelPlugin } from '@ody/otel';
import { processPlugin } from '@ody/process';
import { queuePlugin } from '@ody/queue';
import { taskPlugin } from '@ody/task';
import { websocketPlugin } from '@ody/websocket';
import { describe, expect, it } from 'vitest';
import { expectOptionPrecedence } from '../test-support/options.js';

describe('every plugin: defaults < code options < config < env', () => {
  it('http (port)', async () => {
    expect(await expectOptionPrecedence({ plugin: (o) => httpPlugin(o), key: 'port', values: { code: 4101, config: 4102, env: 4103 } })).toBe(3000);
  });

  it('websocket (maxPayload)', async () => {
    await expectOptionPrecedence({ plugin: (o) => websocketPlugin(o), key: 'maxPayload', values: { code: 1001, config: 2002, env: 3003 } });
  });

  it('task (idleTimeoutMs)', async () => {
    await expectOptionPrecedence({ plugin: (o) => taskPlugin(o), key: 'idleTimeoutMs', values: { code: 1111, config: 2222, env: 3333 } });
  });

  it('process (autoStart)', async () => {
    expect(await expectOptionPrecedence({ plugin: (o) => processPlugin(o), key: 'autoStart', values: { code: false, config: true, env: false } })).toBe(true);
  });

  it('queue (leaseMs)', async () => {
    await expectOptionPrecedence({ plugin: (o) => queuePlugin(o), key: 'leaseMs', values: { code: 1000, config: 2000, env: 3000 } });
  });

  it('cqrs (attempts)', async () => {
    expect(await expectOptionPrecedence({ plugin: (o) => cqrsPlugin(o), key: 'attempts', values: { code: 5, config: 6, env: 7 } })).toBe(3);
  });

  it('eventstore (pollMs)', async () => {
    // An in-memory store, so no app of this check opens files.
    await expectOptionPrecedence({ plugin: (o) => eventStorePlugin({ ...o, store: memoryEventStore() }), key: 'pollMs', values: { code: 111, config: 222, env: 333 } });
  });

  it('otel (tracing)', async () => {
    expect(await expectOptionPrecedence({ plugin: (o) => otelPlugin(o), key: 'tracing', values: { code: false, config: true, env: false } })).toBe(true);
  });

  it('dashboard (refreshMs)', async () => {
    await expectOptionPrecedence({
      plugin: (o) => dashboardPlugin(o),
      with: [httpPlugin(), queuePlugin({ driver: 'memory' })],
      key: 'refreshMs',
      values: { code: 1500, config: 2500, env: 3500 },
    });
  });
});
