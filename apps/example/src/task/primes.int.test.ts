import { createApplication } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { countPrimesOffThread, exampleTaskPlugin } from './index.js';
import { countPrimes } from './tasks.js';

describe('example: CPU-bound job on the task pool', () => {
  it('counts primes off the main thread with the same answer as inline', async () => {
    expect(countPrimes(100)).toBe(25);
    const app = await createApplication({
      envFile: false,
      env: {},
      logger: { pretty: false, destination: { write: () => true } },
      plugins: [exampleTaskPlugin()],
    });
    await app.start();
    try {
      expect(await countPrimesOffThread(app, 1_000_000)).toBe(78_498);
    } finally {
      await app.stop();
    }
  });
});
