import { defineConfig } from 'tsup';

// The supervised process and the task module are their own entry points: the process manager and the
// task pool load them by path next to dist/app.js.
export default defineConfig({
  entry: {
    main: 'src/main.ts',
    app: 'src/app.ts',
    'process/heartbeat': 'src/process/heartbeat.ts',
    'task/tasks': 'src/task/tasks.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  dts: false,
});
