import { createApplication } from '@ody/core';
import { ProcessManager } from '@ody/process';
import { describe, expect, it } from 'vitest';
import { exampleProcessPlugin, heartbeatStats } from './index.js';

describe('example: supervised heartbeat process', () => {
  it('runs two workers, answers stats over IPC, and stops them with the app', async () => {
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: { pretty: false, destination: { write: () => true } },
      plugins: [exampleProcessPlugin({ env: { HEARTBEAT_MS: '50' }, output: { logger: false } })],
    });
    await app.start();
    try {
      const stats = await heartbeatStats(app);
      expect(stats.map((s) => s.instance).sort()).toEqual([0, 1]);
      expect(stats.every((s) => s.pid > 0 && s.beats >= 0)).toBe(true);
    } finally {
      await app.stop();
    }
    expect(app.get(ProcessManager).status().map((s) => s.state)).toEqual(['stopped', 'stopped']);
  });
});
