import { createApplication } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { httpPlugin } from '../index.js';
import { WORKER_ENV } from './env.js';

const silent = { destination: { write() {} } };

describe('httpPlugin internalEnv', () => {
  it('the env names set for worker processes are declared, so an app that sees them still starts', async () => {
    const env = Object.fromEntries(Object.values(WORKER_ENV).map((name) => [name, '1']));
    const app = await createApplication({ envFile: false, env, logger: silent, plugins: [httpPlugin()] });
    expect(app.configOf('http')).toMatchObject({ host: '127.0.0.1' });
    // Any other ODY_HTTP_WORKER_* name is still a typo.
    const err = await createApplication({ envFile: false, env: { ODY_HTTP_WORKER_SLOTS: '1' }, logger: silent, plugins: [httpPlugin()] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ODY_CONFIG_INVALID', message: expect.stringContaining('ODY_HTTP_WORKER_SLOTS') });
  });
});
