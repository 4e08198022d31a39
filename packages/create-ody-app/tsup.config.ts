import { defineConfig } from 'tsup';
import { odyTsup } from '../../tsup.base.js';

// shims: import.meta.url (used to find templates/) also works in the CommonJS build.
export default defineConfig(odyTsup({ index: 'src/index.ts', cli: 'src/cli.ts' }, { shims: true }));
