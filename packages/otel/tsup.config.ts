import { defineConfig } from 'tsup';
import { odyTsup } from '../../tsup.base.js';

export default defineConfig(odyTsup({ index: 'src/index.ts' }));
