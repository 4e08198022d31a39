import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { main: 'src/main.ts', app: 'src/app.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  dts: false,
});
