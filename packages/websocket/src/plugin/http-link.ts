import type { HttpConfig } from '@ody/http';

/** @internal how many workers @ody/http runs (0: it serves in this thread). */
export function httpWorkerCount(config: Pick<HttpConfig, 'workers'>, cpus: number): number {
  return config.workers === 'auto' ? cpus : config.workers;
}
