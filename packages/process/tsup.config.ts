import { defineConfig } from 'tsup';
import { odyTsup } from '../../tsup.base.js';

// command-shim is the internal orphan-guard entry forked around `command` processes (not an export subpath).
export default defineConfig(odyTsup({ index: 'src/index.ts', child: 'src/child.ts', 'command-shim': 'src/runtime/command-shim.ts' }));
