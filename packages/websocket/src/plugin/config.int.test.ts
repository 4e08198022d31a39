import { type ConfigIssue, createApplication, OdyError } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { RawClient } from '../fixtures/raw-client.js';
import { WebSocketHubToken, websocketPlugin } from '../index.js';

const silent = { destination: { write() {} } };

describe('websocket config: idleTimeoutMs and rateLimit { limit, windowMs }', () => {
  it('takes both from config and env (ODY_WEBSOCKET_IDLE_TIMEOUT_MS) and applies the rate limit', async () => {
    const app = await createApplication({
      config: { websocket: { port: 0, rateLimit: { limit: 3, windowMs: 60_000 }, idleTimeoutMs: 30_000 } },
      envFile: false,
      env: { ODY_WEBSOCKET_IDLE_TIMEOUT_MS: '9000' },
      logger: silent,
      plugins: [websocketPlugin()],
    });
    await app.start();
    try {
      const hub = app.get(WebSocketHubToken);
      expect(hub.limits.idleTimeoutMs).toBe(9000);
      expect(hub.limits.rateLimit).toEqual({ limit: 3, windowMs: 60_000 });
      const c = await RawClient.open(hub.url!);
      for (let i = 0; i < 5; i++) c.send({ type: 'ping', id: i });
      await c.waitFor(() => c.frames.filter((f) => f.event === 'ack' || f.event === 'error').length === 5);
      expect(c.events('ack')).toHaveLength(3);
      expect(c.events('error').map((f) => f.code)).toEqual(['ODY_WS_RATE_LIMITED', 'ODY_WS_RATE_LIMITED']);
      c.close();
    } finally {
      await app.stop();
    }
  });

  it('the old names fail start (idleTimeoutSeconds is an unknown key; { messages, perMs } lacks limit/windowMs)', async () => {
    const err = await createApplication({
      config: { websocket: { port: 0, idleTimeoutSeconds: 8, rateLimit: { messages: 5, perMs: 1000 } } },
      envFile: false,
      env: {},
      logger: silent,
      plugins: [websocketPlugin()],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!OdyError.is(err)) throw new Error(`expected an OdyError, got ${String(err)}`);
    expect(err.code).toBe('ODY_CONFIG_INVALID');
    const paths = (err.details.issues as ConfigIssue[]).map((i) => i.path);
    expect(paths).toContain('websocket.idleTimeoutSeconds');
    expect(paths.some((p) => p.startsWith('websocket.rateLimit'))).toBe(true);
  });
});
