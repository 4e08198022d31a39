// One default bind host for everything Ody listens on: 127.0.0.1 (see core's README, Options).
import { createApplication } from '@ody/core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEngines } from '../../../../test-support/engines.js';
import { reachableFrom } from '../../../../test-support/ports.js';
import { memoryLogger } from '../fixtures/helpers.js';
import { createServer, httpPlugin, type OdyHttpServer } from '../index.js';

describe('http.host', () => {
  it('defaults to 127.0.0.1; config sets it, ODY_HTTP_HOST wins over config (0.0.0.0 in a container)', async () => {
    const hostOf = async (config: Record<string, unknown>, env: Record<string, string>) => {
      const app = await createApplication({ envFile: false, env, logger: { destination: { write() {} } }, config, plugins: [httpPlugin()] });
      return app.configOf<{ host: string }>('http')?.host;
    };
    expect(await hostOf({}, {})).toBe('127.0.0.1');
    expect(await hostOf({ http: { host: '127.0.0.3' } }, {})).toBe('127.0.0.3');
    expect(await hostOf({ http: { host: '127.0.0.3' } }, { ODY_HTTP_HOST: '0.0.0.0' })).toBe('0.0.0.0');
  });
});

describeEngines((engine) => {
  let server: OdyHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a server given no host listens on loopback only', async () => {
    const { logger, lines } = memoryLogger();
    server = createServer({ config: { port: 0, engine }, logger });
    server.router.get('/', () => 'ok');
    const port = await server.listen();
    expect(lines.find((l) => l.msg === 'http server listening')).toMatchObject({ host: '127.0.0.1', port });
    const { loopback, external } = await reachableFrom(port);
    expect(loopback).toBe(true);
    expect(external ?? false, 'not reachable on the machine\'s external address').toBe(false);
  });
});
