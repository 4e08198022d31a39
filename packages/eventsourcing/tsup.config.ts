import { defineConfig } from 'tsup';
import { odyTsup } from '../../tsup.base.js';

export default defineConfig(odyTsup({ index: 'src/index.ts', testing: 'src/testing/index.ts', postgres: 'src/postgres/index.ts', redis: 'src/redis/index.ts' }));
