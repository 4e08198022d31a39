import type { Middleware } from '@ody/http';
import type { ClaimedJob, JobCounts, NewJob, PushResult, QueueDriver, QueueInstrumentation } from '@ody/queue';
import type { ProcessStatus } from '@ody/process';
import type { TaskPoolStats } from '@ody/task';
import type { WebSocketHubStats } from '@ody/websocket';
import type * as PromClient from 'prom-client';
import { OtelError } from './errors.js';
import { answerStatus } from './status.js';
import { isThenable } from './tracer.js';

/** Options of the metrics (otelPlugin `metrics`, or createMetrics). */
export interface MetricsOptions {
  /** Route of the Prometheus text endpoint. Default `/metrics`. */
  path?: string;
  /** Node.js process metrics from prom-client (event-loop lag, GC pauses, heap, handles, CPU). Default true. */
  defaultMetrics?: boolean;
  /** Buckets (seconds) of the HTTP and job duration histograms. */
  buckets?: number[];
  /** Queues whose depth is reported even before this process pushed to or ran one of their jobs. */
  queues?: readonly string[];
}

const DEFAULT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STATES: ReadonlyArray<keyof JobCounts> = ['waiting', 'delayed', 'active', 'completed', 'failed'];

type Prom = typeof PromClient;

/** Load prom-client, an optional peer dependency, or say how to get it. */
export async function loadPromClient(): Promise<Prom> {
  try {
    const mod = (await import('prom-client')) as Prom & { default?: Prom };
    return mod.Registry === undefined && mod.default !== undefined ? mod.default : mod;
  } catch (cause) {
    throw new OtelError('ODY_OTEL_METRICS_UNAVAILABLE', "Metrics need the optional peer dependency 'prom-client': npm i prom-client", { cause });
  }
}

/**
 * The application's metrics in one prom-client Registry (not prom-client's global one, so two apps in
 * one process never clash): HTTP request duration by method/route/status and requests in flight;
 * queue depth by state (read from the driver at scrape time), pushed/processed/retried/failed counters
 * and job duration per queue; Node.js process metrics (event-loop lag, GC pauses).
 */
export class OdyMetrics {
  /** The prom-client registry: register your own metrics here to serve them on the same endpoint. */
  readonly registry: PromClient.Registry;
  private readonly httpDuration: PromClient.Histogram<'method' | 'route' | 'status_code'>;
  private readonly httpInFlight: PromClient.Gauge;
  private readonly pushed: PromClient.Counter<'queue'>;
  private readonly processed: PromClient.Counter<'queue'>;
  private readonly retried: PromClient.Counter<'queue'>;
  private readonly failed: PromClient.Counter<'queue'>;
  private readonly jobDuration: PromClient.Histogram<'queue' | 'result'>;
  private readonly wsPublished: PromClient.Counter;
  private readonly queueNames = new Set<string>();
  private webSocketConnections: (() => number) | undefined;
  private webSocketStats: (() => WebSocketHubStats) | undefined;
  private readonly commandStates: PromClient.Counter<'command' | 'state'>;
  private taskStats: (() => TaskPoolStats) | undefined;
  private processStatus: (() => ProcessStatus[]) | undefined;
  private queueDriver: QueueDriver | undefined;

  constructor(prom: Prom, options: MetricsOptions = {}) {
    const registry = new prom.Registry();
    this.registry = registry;
    const buckets = options.buckets ?? DEFAULT_BUCKETS;
    for (const q of options.queues ?? []) this.queueNames.add(q);
    if (options.defaultMetrics !== false) prom.collectDefaultMetrics({ register: registry });
    const registers = [registry];
    this.httpDuration = new prom.Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP server requests (handler and middleware), by method, route template and status.',
      labelNames: ['method', 'route', 'status_code'],
      buckets,
      registers,
    });
    this.httpInFlight = new prom.Gauge({ name: 'http_server_active_requests', help: 'HTTP requests being handled now.', registers });
    this.pushed = new prom.Counter({ name: 'ody_queue_jobs_pushed_total', help: 'Jobs pushed, by queue.', labelNames: ['queue'], registers });
    this.processed = new prom.Counter({ name: 'ody_queue_jobs_processed_total', help: 'Job attempts whose handler succeeded, by queue.', labelNames: ['queue'], registers });
    this.retried = new prom.Counter({ name: 'ody_queue_jobs_retried_total', help: 'Job attempts that failed and will be retried, by queue.', labelNames: ['queue'], registers });
    this.failed = new prom.Counter({ name: 'ody_queue_jobs_failed_total', help: 'Jobs whose last attempt failed (or that failed unrecoverably), by queue.', labelNames: ['queue'], registers });
    this.jobDuration = new prom.Histogram({
      name: 'ody_queue_job_duration_seconds',
      help: 'Duration of one job attempt (the handler), by queue and result.',
      labelNames: ['queue', 'result'],
      buckets,
      registers,
    });
    this.wsPublished = new prom.Counter({ name: 'ody_websocket_published_total', help: 'Messages published to WebSocket channels from this process.', registers });
    this.commandStates = new prom.Counter({
      name: 'ody_cqrs_async_commands_total',
      help: 'Async command status changes this process stored, by command and new state (queued, running, succeeded, failed); a dispatch whose worker was faster than its queued record counts no queued.',
      labelNames: ['command', 'state'],
      registers,
    });
    const metrics = this;
    new prom.Gauge({
      name: 'ody_websocket_channels',
      help: "Distinct channels this server's WebSocket connections subscribe.",
      registers,
      collect() {
        const stats = metrics.webSocketStats?.();
        if (stats !== undefined) this.set(stats.channels);
      },
    });
    new prom.Counter({
      name: 'ody_websocket_messages_total',
      help: 'WebSocket messages received from clients (direction in) and frames published to local subscribers (direction out).',
      labelNames: ['direction'],
      registers,
      collect() {
        const stats = metrics.webSocketStats?.();
        if (stats === undefined) return;
        this.reset();
        this.inc({ direction: 'in' }, stats.messagesIn);
        this.inc({ direction: 'out' }, stats.messagesOut);
      },
    });
    new prom.Gauge({
      name: 'ody_websocket_slow_consumers',
      help: 'WebSocket clients whose send buffer is at maxBackpressure now: frames to them are dropped (or they are closed).',
      registers,
      collect() {
        const stats = metrics.webSocketStats?.();
        if (stats !== undefined) this.set(stats.slowConsumers);
      },
    });
    new prom.Gauge({
      name: 'ody_queue_oldest_waiting_age_seconds',
      help: 'Age of the oldest waiting (ready, not yet claimed) job, by queue; 0 when none waits. From drivers that report it.',
      labelNames: ['queue'],
      registers,
      async collect() {
        const driver = metrics.queueDriver;
        if (driver?.oldestWaitingAt === undefined) return;
        this.reset();
        const now = Date.now();
        await Promise.all(
          [...metrics.queueNames].map(async (queue) => {
            try {
              const at = await driver.oldestWaitingAt!(queue);
              this.set({ queue }, at === undefined ? 0 : Math.max(0, now - at) / 1000);
            } catch {
              // No sample while the driver cannot answer.
            }
          }),
        );
      },
    });
    new prom.Gauge({
      name: 'ody_task_pool_tasks',
      help: 'Tasks of the task pool: queued (waiting for a thread), running, completed, failed (since start).',
      labelNames: ['state'],
      registers,
      collect() {
        const stats = metrics.taskStats?.();
        if (stats === undefined) return;
        this.set({ state: 'queued' }, stats.queued);
        this.set({ state: 'running' }, stats.running);
        this.set({ state: 'completed' }, stats.completed);
        this.set({ state: 'failed' }, stats.failed);
      },
    });
    new prom.Gauge({
      name: 'ody_task_pool_threads',
      help: 'Threads of the task pool, and how many of them run a task now (busy).',
      labelNames: ['kind'],
      registers,
      collect() {
        const stats = metrics.taskStats?.();
        if (stats === undefined) return;
        this.set({ kind: 'alive' }, stats.threads);
        this.set({ kind: 'busy' }, Math.min(stats.running, stats.threads));
      },
    });
    new prom.Gauge({
      name: 'ody_process_restarts',
      help: 'Restarts of each supervised process instance since the manager started.',
      labelNames: ['process', 'instance'],
      registers,
      collect() {
        const rows = metrics.processStatus?.();
        if (rows === undefined) return;
        this.reset();
        for (const r of rows) this.set({ process: r.name, instance: String(r.instance) }, r.restarts);
      },
    });
    new prom.Gauge({
      name: 'ody_process_memory_bytes',
      help: 'Resident memory of each running supervised process instance.',
      labelNames: ['process', 'instance'],
      registers,
      collect() {
        const rows = metrics.processStatus?.();
        if (rows === undefined) return;
        this.reset();
        for (const r of rows) if (r.memoryMb !== undefined) this.set({ process: r.name, instance: String(r.instance) }, Math.round(r.memoryMb * 1024 * 1024));
      },
    });
    new prom.Gauge({
      name: 'ody_websocket_connections',
      help: 'Open WebSocket connections on this server.',
      registers,
      collect() {
        if (metrics.webSocketConnections !== undefined) this.set(metrics.webSocketConnections());
      },
    });
    new prom.Gauge({
      name: 'ody_queue_jobs',
      help: 'Jobs by queue and state, read from the queue driver at scrape time.',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const driver = metrics.queueDriver;
        if (driver === undefined) return;
        this.reset();
        await Promise.all(
          [...metrics.queueNames].map(async (queue) => {
            try {
              const counts = await driver.counts(queue);
              for (const state of STATES) this.set({ queue, state }, counts[state]);
            } catch {
              // A driver that cannot answer now (disconnected): no sample rather than a failed scrape.
            }
          }),
        );
      },
    });
  }

  /** The driver whose counts feed `ody_queue_jobs` (otelPlugin sets the app's queue driver). */
  watchQueues(driver: QueueDriver, names: readonly string[] = []): void {
    this.queueDriver = driver;
    for (const n of names) this.queueNames.add(n);
  }

  /** Where `ody_websocket_connections` reads from (otelPlugin passes the hub's localConnectionCount). */
  watchWebSocket(connections: () => number): void {
    this.webSocketConnections = connections;
  }

  /** Where the WebSocket channel, message and slow-consumer metrics read from (otelPlugin passes the hub's stats). */
  watchWebSocketStats(stats: () => WebSocketHubStats): void {
    this.webSocketStats = stats;
  }

  /** Count one async command status change (otelPlugin listens to the cqrs AsyncRuntime's `status` events). */
  commandStatus(command: string, state: string): void {
    this.commandStates.inc({ command, state });
  }

  /** Where the task pool gauges read from (otelPlugin passes the pool's stats). */
  watchTaskPool(stats: () => TaskPoolStats): void {
    this.taskStats = stats;
  }

  /** Where the process gauges read from (otelPlugin passes the ProcessManager's status). */
  watchProcesses(status: () => ProcessStatus[]): void {
    this.processStatus = status;
  }

  /** Count one WebSocket publish. */
  webSocketPublished(): void {
    this.wsPublished.inc();
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** HTTP middleware feeding the request duration histogram and the in-flight gauge. */
  httpMiddleware(): Middleware {
    return (ctx, next) => {
      const start = performance.now();
      this.httpInFlight.inc();
      const done = (status: number) => {
        this.httpInFlight.dec();
        this.httpDuration.observe({ method: ctx.method, route: ctx.route ?? 'unmatched', status_code: status }, (performance.now() - start) / 1000);
      };
      let result: Promise<void>;
      try {
        result = next();
      } catch (error) {
        done(answerStatus(ctx, error, true));
        throw error;
      }
      return result.then(
        () => done(answerStatus(ctx, undefined, false)),
        (error: unknown) => {
          done(answerStatus(ctx, error, true));
          throw error;
        },
      );
    };
  }

  /** Queue instrumentation feeding the queue counters and the job duration histogram. */
  queueInstrumentation(): Required<QueueInstrumentation> {
    return {
      push: (queue: string, _driver: string, _jobs: NewJob[], send: () => Promise<PushResult[]>) => {
        this.queueNames.add(queue);
        return send().then((results) => {
          let added = 0;
          for (const r of results) if (r.added) added++;
          if (added > 0) this.pushed.inc({ queue }, added);
          return results;
        });
      },
      run: (queue: string, _driver: string, job: ClaimedJob, run: () => unknown) => {
        this.queueNames.add(queue);
        const start = performance.now();
        const ok = () => {
          this.processed.inc({ queue });
          this.jobDuration.observe({ queue, result: 'success' }, (performance.now() - start) / 1000);
        };
        const ko = (error: unknown) => {
          const last = job.attemptsMade + 1 >= job.attempts || (error as { code?: unknown } | null)?.code === 'ODY_QUEUE_UNRECOVERABLE';
          (last ? this.failed : this.retried).inc({ queue });
          this.jobDuration.observe({ queue, result: 'error' }, (performance.now() - start) / 1000);
        };
        let value: unknown;
        try {
          value = run();
        } catch (error) {
          ko(error);
          throw error;
        }
        if (!isThenable(value)) {
          ok();
          return value;
        }
        return Promise.resolve(value).then(
          (v) => {
            ok();
            return v;
          },
          (error: unknown) => {
            ko(error);
            throw error;
          },
        );
      },
    };
  }
}

/**
 * Build the metrics (loads prom-client, an optional peer dependency).
 * @example
 * const metrics = await createMetrics(); router.use(metrics.httpMiddleware());
 * router.get('/metrics', async (ctx) => { ctx.header('content-type', metrics.contentType); return metrics.text(); });
 */
export async function createMetrics(options: MetricsOptions = {}): Promise<OdyMetrics> {
  return new OdyMetrics(await loadPromClient(), options);
}
