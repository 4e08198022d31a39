import { createApplication } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { alive, until, worker } from './fixtures/helpers.js';
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

describe('processPlugin internalEnv', () => {
  it('a managed child building its own app with processPlugin starts: ODY_PROCESS_NAME/INSTANCE/STOP_TIMEOUT_MS are declared', async () => {
    const env = { ODY_PROCESS_NAME: 'worker', ODY_PROCESS_INSTANCE: '0', ODY_PROCESS_STOP_TIMEOUT_MS: '5000' };
    const app = await createApplication({ envFile: false, env, logger: { destination: { write() {} } }, plugins: [processPlugin({ autoStart: false })] });
    expect(app.configOf('process')).toMatchObject({ autoStart: false });
    await expect(
      createApplication({ envFile: false, env: { ...env, ODY_PROCESS_NAMES: 'x' }, logger: { destination: { write() {} } }, plugins: [processPlugin()] }),
    ).rejects.toMatchObject({ code: 'ODY_CONFIG_INVALID' });
  });
});

describe('processPlugin shutdown', () => {
  it('SIGKILLs an instance still stopping when the app shutdown budget runs out', async () => {
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: { pretty: false, destination: { write: () => true } },
      config: { app: { shutdownTimeoutMs: 300 } },
      plugins: [processPlugin({ processes: [worker('stubborn', { env: { IGNORE_STOP: '1' }, stopTimeoutMs: 120_000 })] })],
    });
    await app.start();
    const pid = app.get(ProcessManager).status()[0]!.pid!;
    expect(alive(pid)).toBe(true);
    await app.stop().catch(() => undefined);
    // Without the budget signal the child would get its whole 120 s stopTimeoutMs.
    await until(() => !alive(pid), 'the stubborn child to be killed');
  });
});
