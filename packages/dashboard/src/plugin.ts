import { type DeepPartial, definePlugin, type z } from '@ody/core';
import { AsyncRuntime } from '@ody/cqrs';
import { HttpConfigToken, type HttpContext, HttpServer, Router } from '@ody/http';
import { ProcessManager } from '@ody/process';
import { Queues } from '@ody/queue';
import { TaskPool } from '@ody/task';
import { Broadcaster, type UpgradeRequest, WebSocketHub, WebSocketHubToken } from '@ody/websocket';
import { dashboardConfigSchema } from './config.js';
import { DashboardError } from './errors.js';
import { type DashboardSnapshot, RecentCommands, type RuntimeView, readQueue } from './snapshot.js';
import { dashboardAppJs, dashboardHtml, dashboardLiveJs } from './ui/assets.js';

/** What the authorize hook sees: the HTTP request or the WebSocket upgrade (the same shape). */
export type DashboardRequest = UpgradeRequest;

/** Options of dashboardPlugin (code); serialisable settings also come from the `dashboard` config section. */
export interface DashboardPluginOptions extends DeepPartial<z.input<typeof dashboardConfigSchema>> {
  /**
   * Decides every request to the dashboard (page, API, WebSocket upgrade). Required once enabled:
   * the dashboard shows job payload names, errors and stacks, and retries or deletes jobs.
   * @example authorize: (req) => req.headers.authorization === `Bearer ${process.env.DASHBOARD_TOKEN}`
   */
  authorize?: (request: DashboardRequest) => boolean | Promise<boolean>;
}

/** The channel the page subscribes to on the dashboard's own WebSocket endpoint. */
export const dashboardChannel = 'private-dashboard';

/**
 * A small live web UI under `dashboard.path` (default `/ody/dashboard`): queues (counts by state,
 * failed jobs with error and stack, retry/forget buttons), async commands by status, supervised
 * processes, the task pool and WebSocket connections, pushed over
 * its own @ody/websocket endpoint. Off by default (`dashboard.enabled`); every request goes through
 * `authorize`. Plain HTML and web components served from memory: no CDN, no build step.
 * @example
 * dashboardPlugin({ enabled: true, authorize: (req) => req.remoteAddress === '127.0.0.1' })
 */
export function dashboardPlugin(options: DashboardPluginOptions = {}) {
  const { authorize, ...codeOptions } = options;
  let hub: WebSocketHub<true> | undefined;
  let timer: NodeJS.Timeout | undefined;
  return definePlugin({
    name: 'dashboard',
    dependsOn: ['http', 'queue'],
    optionalDependsOn: ['cqrs', 'process', 'task', 'websocket'],
    configSchema: dashboardConfigSchema,
    options: codeOptions,
    register(ctx) {
      const config = ctx.config;
      if (!config.enabled) return;
      if (authorize === undefined) {
        throw new DashboardError('ODY_DASHBOARD_NO_AUTH', 'dashboard.enabled is true but dashboardPlugin() has no authorize hook; pass dashboardPlugin({ authorize: (req) => … }).');
      }
      const server = ctx.get(HttpServer);
      const workers = ctx.get(HttpConfigToken).workers;
      hub = new WebSocketHub<true>({
        path: `${config.path}/ws`,
        logger: ctx.logger,
        authenticate: async (req) => ((await authorize(req)) ? true : null),
        authorizeChannel: (_user, channel) => channel === dashboardChannel,
      });
      // In worker mode the main thread never listens; each worker's Application shows its own dashboard.
      if (!(workers !== 0 && ctx.worker.isMain)) hub.attach(server.app);
      server.onClose(() => hub?.close());
    },
    async boot(ctx) {
      const config = ctx.config;
      if (!config.enabled || hub === undefined || authorize === undefined) return;
      const liveHub = hub;
      await liveHub.start();
      const queues = ctx.get(Queues);
      const runtime = ctx.has(AsyncRuntime) ? ctx.get(AsyncRuntime) : undefined;
      const recent = new RecentCommands(config.recentCommands);
      const queueNames = () => [...new Set([...config.queues, ...(runtime?.queueNames() ?? [])])].sort();
      const queueOf = (name: string) => {
        if (!queueNames().includes(name)) throw new DashboardError('ODY_DASHBOARD_UNKNOWN_QUEUE', `The dashboard shows no queue '${name}'; add it to dashboard.queues.`, { details: { queue: name } });
        return queues.queue(name);
      };
      const processes = ctx.has(ProcessManager) ? ctx.get(ProcessManager) : undefined;
      const pool = ctx.has(TaskPool) ? ctx.get(TaskPool) : undefined;
      const sockets = ctx.has(Broadcaster) ? ctx.get(Broadcaster) : undefined;
      // The app's hub (not the dashboard's own): channels and message counts of this server.
      const appHub = ctx.has(WebSocketHubToken) ? (ctx.get(WebSocketHubToken) as Partial<Pick<WebSocketHub, 'stats'>>) : undefined;
      const hubStats = () => {
        if (typeof appHub?.stats !== 'function') return {};
        const { channels, messagesIn, messagesOut, slowConsumers } = appHub.stats();
        return { channels, messagesIn, messagesOut, slowConsumers };
      };
      const runtimeView = async (): Promise<RuntimeView> => ({
        ...(processes === undefined ? {} : { processes: processes.status() }),
        ...(pool === undefined ? {} : { tasks: pool.stats() }),
        ...(sockets === undefined ? {} : { websocket: { connections: await sockets.connectionCount(), ...hubStats() } }),
      });
      const snapshot = async (): Promise<DashboardSnapshot> => ({
        at: Date.now(),
        queues: await Promise.all(queueNames().map((name) => readQueue(queues.queue(name), config.failedLimit))),
        commands: runtime === undefined ? undefined : recent.view(),
        runtime: await runtimeView(),
      });

      // Push a snapshot when it changed; refreshes never overlap, and one asked for meanwhile runs after.
      let last = '';
      let running: Promise<void> | undefined;
      let again = false;
      const refresh = (): Promise<void> => {
        if (running !== undefined) {
          again = true;
          return running;
        }
        running = (async () => {
          do {
            again = false;
            const snap = await snapshot();
            const key = JSON.stringify({ ...snap, at: 0 });
            if (key !== last) {
              last = key;
              liveHub.publish(dashboardChannel, 'snapshot', snap);
            }
          } while (again);
        })()
          .catch((err: unknown) => ctx.logger.warn({ err }, 'dashboard refresh failed'))
          .finally(() => {
            running = undefined;
          });
        return running;
      };
      // Status changes come in bursts: read and push at most once per 100 ms, and only while a page is open.
      let soon: NodeJS.Timeout | undefined;
      const refreshSoon = () => {
        if (soon !== undefined || liveHub.localConnectionCount() === 0) return;
        soon = setTimeout(() => {
          soon = undefined;
          void refresh();
        }, 100);
        soon.unref();
      };
      if (runtime !== undefined) {
        const off = runtime.events.on('status', (record) => {
          recent.add(record);
          refreshSoon();
        });
        ctx.onShutdown(() => {
          off();
          if (soon !== undefined) clearTimeout(soon);
        });
      }
      timer = setInterval(() => {
        if (liveHub.localConnectionCount() > 0) void refresh();
      }, config.refreshMs);
      timer.unref();

      const guard = async (c: HttpContext) => {
        const allowed = await authorize({ url: c.path, query: c.querystring, headers: c.headers, remoteAddress: c.ip });
        if (!allowed) throw new DashboardError('ODY_DASHBOARD_UNAUTHORIZED', 'The dashboard refused this request (its authorize hook said no).');
      };
      // The scripts are static code with no data in them (a page loads them without the query its
      // authorize hook may read); the page, the API and the WebSocket go through authorize.
      const asset = (type: string, body: string, guarded: boolean) => async (c: HttpContext) => {
        if (guarded) await guard(c);
        c.header('content-type', type).header('cache-control', 'no-store');
        return body;
      };
      const router = ctx.get(Router);
      const base = config.path;
      router.get(base, asset('text/html; charset=utf-8', dashboardHtml(base), true));
      router.get(`${base}/app.js`, asset('text/javascript; charset=utf-8', dashboardAppJs, false));
      router.get(`${base}/live.js`, asset('text/javascript; charset=utf-8', dashboardLiveJs, false));
      router.get(`${base}/api/snapshot`, async (c: HttpContext) => {
        await guard(c);
        return snapshot();
      });
      const action = (verb: 'retry' | 'forget') => async (c: HttpContext) => {
        await guard(c);
        // A custom header cannot come from a cross-site form, so cookie-based authorize hooks are safe from CSRF.
        if (c.get('x-ody-dashboard') !== '1') throw new DashboardError('ODY_DASHBOARD_CSRF', "Dashboard actions need the header 'x-ody-dashboard: 1'.");
        const queue = queueOf(String(c.params.queue));
        const id = String(c.params.id);
        const done = verb === 'retry' ? await queue.failed.retry([id]) : await queue.failed.purge([id]);
        if (done === 0) throw new DashboardError('ODY_DASHBOARD_UNKNOWN_JOB', `No failed job '${id}' in queue '${queue.name}'.`, { details: { queue: queue.name, id } });
        ctx.logger.info({ queue: queue.name, id, action: verb }, 'dashboard action');
        await refresh();
        return { [verb === 'retry' ? 'retried' : 'forgotten']: done };
      };
      router.post(`${base}/api/queues/:queue/failed/:id/retry`, action('retry'));
      router.post(`${base}/api/queues/:queue/failed/:id/forget`, action('forget'));
      ctx.logger.info({ path: base }, 'dashboard mounted');
    },
    shutdown() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  });
}


