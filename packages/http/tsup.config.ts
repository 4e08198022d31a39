import { defineConfig } from 'tsup';
import { odyTsup } from '../../tsup.base.js';

// shims: engine.ts uses createRequire(import.meta.url), which needs a shim in the CJS build.
export default defineConfig(odyTsup({ index: 'src/index.ts', 'worker-entry': 'src/workers/worker-entry.ts', 'process-entry': 'src/workers/process-entry.ts' }, { shims: true }));
