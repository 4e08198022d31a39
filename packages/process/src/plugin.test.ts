import { createApplication } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { ProcessManager, type ProcessPluginOptions, processPlugin } from './index.js';

const sleeper = { name: 'sleeper', command: 'sleep', args: ['30'], orphanGuard: false, output: { logger: false } };

/** Boot an app with processPlugin and report whether the sleeper was started at boot. */
async function startedAtBoot(options: ProcessPluginOptions, config: Record<string, unknown>, env: Record<string, string>): Promise<boolean> {
  const app = await createApplication({
    envFile: false,
    env,
    logger: { pretty: false, destination: { write: () => true } },
    config: { process: config },
    plugins: [processPlugin({ processes: [sleeper], ...options })],
  });
  await app.start();
  try {
    return app.get(ProcessManager).status().some((row) => row.state === 'ready');
  } finally {
    await app.stop();
  }
}

describe('processPlugin options precedence: defaults < code < config < env', () => {
  it('autoStart: default true, code false, config true, env false', async () => {
    expect(await startedAtBoot({}, {}, {})).toBe(true);
    expect(await startedAtBoot({ autoStart: false }, {}, {})).toBe(false);
    expect(await startedAtBoot({ autoStart: false }, { autoStart: true }, {})).toBe(true);
    expect(await startedAtBoot({ autoStart: false }, { autoStart: true }, { ODY_PROCESS_AUTO_START: 'false' })).toBe(false);
  });
});
