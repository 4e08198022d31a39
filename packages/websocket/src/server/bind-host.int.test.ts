// One default bind host for everything Ody listens on: 127.0.0.1 (see core's README, Options).
import { createApplication } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { describeEngines } from '../../../../test-support/engines.js';
import { reachableFrom } from '../../../../test-support/ports.js';
import { createWebSocketServer, websocketPlugin } from '../index.js';

describe('websocket.host (standalone server)', () => {
  it('defaults to 127.0.0.1, like http.host; ODY_WEBSOCKET_HOST wins over config', async () => {
    const hostOf = async (config: Record<string, unknown>, env: Record<string, string>) => {
      const app = await createApplication({ envFile: false, env, logger: { destination: { write() {} } }, config, plugins: [websocketPlugin()] });
      return app.configOf<{ host: string }>('websocket')?.host;
    };
    expect(await hostOf({}, {})).toBe('127.0.0.1');
    expect(await hostOf({ websocket: { host: '127.0.0.3' } }, { ODY_WEBSOCKET_HOST: '0.0.0.0' })).toBe('0.0.0.0');
  });
});

describeEngines((engine) => {
  it('createWebSocketServer() given no host listens on loopback only', async () => {
    const server = await createWebSocketServer({ engine });
    try {
      expect(server.url).toBe(`ws://127.0.0.1:${server.port}/ws`);
      const { loopback, external } = await reachableFrom(server.port);
      expect(loopback).toBe(true);
      expect(external ?? false, 'not reachable on the machine\'s external address').toBe(false);
    } finally {
      await server.close();
    }
  });
});
