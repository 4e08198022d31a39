import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Tests start real servers, queues and child processes.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
