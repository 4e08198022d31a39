import type { LoadedApplication } from '../app/load.js';
import { CliError } from '../errors.js';
import { describeHandler, functionLocations } from './handler-name.js';

/** One row of `ody routes`. */
export interface RouteRow {
  method: string;
  path: string;
  /** `Controller.method` for controller routes, the route's `name` option, else the function's name (or `<anonymous>`) `at file:line`. */
  handler: string;
  /** How many middleware run before the handler (global, groups, route). */
  middleware: number;
}

interface RouterLike {
  routes(): Array<{ method: string; path: string; name?: string; middleware: number }>;
  /** @ody/http's route records (internal; read for the handler functions, which routes() does not list). */
  core?: { records?: Array<{ handler?: unknown }> };
}

/** Env ody sets while it starts the app to read its routes: a free port on loopback, quiet logs. */
export const routesEnv = { ODY_HTTP_PORT: '0', ODY_HTTP_HOST: '127.0.0.1', ODY_APP_LOG_LEVEL: 'error' } as const;

/**
 * Start the app (on port 0, 127.0.0.1: plugins add routes at boot), read @ody/http's router, stop it.
 */
export async function listRoutes(app: LoadedApplication, root: string = process.cwd()): Promise<RouteRow[]> {
  if (!app.plugins.includes('http')) {
    throw new CliError('ODY_CLI_UNSUPPORTED', `The app has no http plugin (plugins: ${app.plugins.join(', ') || 'none'}), so it has no routes.`);
  }
  await app.start();
  try {
    const router = app.get<RouterLike>(Symbol.for('@ody/http/Router'));
    const routes = router.routes();
    const records = router.core?.records;
    const handlers = records?.length === routes.length ? records.map((r) => r.handler) : [];
    const locations = functionLocations(routes.map((r, i) => (r.name === undefined ? handlers[i] : undefined)));
    return routes.map((r, i) => ({
      method: r.method,
      path: r.path,
      handler: r.name ?? (handlers[i] === undefined ? 'anonymous' : describeHandler(handlers[i], locations[i], root)),
      middleware: r.middleware,
    }));
  } finally {
    await app.stop();
  }
}

/** The rows as an aligned text table. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
