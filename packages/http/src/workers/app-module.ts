import { HttpServerError } from '../errors.js';

/** What a worker needs of the Application built by the user's app-factory module. */
export interface AppLike {
  start(): Promise<void>;
  stop(): Promise<void>;
  logger?: { error(o: unknown, msg?: string): void };
}

/** Import the app-factory module (`createApp` or a default factory) and build its Application. */
export async function buildAppFrom(module: string): Promise<AppLike> {
  const mod = (await import(module)) as Record<string, unknown>;
  const factory = (mod.createApp ?? mod.default) as (() => AppLike | Promise<AppLike>) | undefined;
  if (typeof factory !== 'function') {
    throw new HttpServerError('ODY_HTTP_WORKER_MODULE_INVALID', `Worker module ${module} must export createApp() or a default factory returning an Application.`, {
      details: { module },
    });
  }
  return factory();
}
