/**
 * Env names @ody/http sets for its worker processes (httpPlugin declares them as `internalEnv`, so the
 * strict config check never reports them; process-entry.ts removes them before the app starts).
 */
export const WORKER_ENV = {
  module: 'ODY_HTTP_WORKER_MODULE',
  slot: 'ODY_HTTP_WORKER_SLOT',
  stopMs: 'ODY_HTTP_WORKER_STOP_MS',
  listen: 'ODY_HTTP_WORKER_LISTEN',
} as const;
