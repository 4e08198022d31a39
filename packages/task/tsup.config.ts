import { defineConfig } from 'tsup';
import { odyTsup } from '../../tsup.base.js';

// worker-main is the internal entry every pool thread runs (not an export subpath).
export default defineConfig(
  odyTsup({ index: 'src/index.ts', worker: 'src/worker.ts', 'worker-main': 'src/runtime/worker-main.ts' }),
);
