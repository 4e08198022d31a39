// Development entry of a pool thread (tests run the pool from src): load TypeScript through tsx, which
// does not reach worker threads through --import on Node 20, then run the real entry.
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('ody.task.tsx')] = true;
await import('./worker-main.ts');
