import type { HttpServer } from '@ody/http';
import type { QueueDriver } from '@ody/queue';

/** One component's state: `up`, `down` (not working) or `draining` (shutting down). Extra fields are details. */
export interface HealthReport {
  readonly status: 'up' | 'down' | 'draining';
  readonly [detail: string]: unknown;
}

/** A readiness check: resolves with the component's report (a throw counts as `down`). */
export type HealthCheck = () => HealthReport | Promise<HealthReport>;

/** The readiness answer: `ready` only when every check is `up`. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  readonly checks: Readonly<Record<string, HealthReport>>;
}

/** Options of the liveness and readiness routes (otelPlugin `health`). */
export interface HealthOptions {
  /** Liveness route: 200 while the process serves at all. Default `/livez`. */
  livePath?: string;
  /** Readiness route: 200 when every check is up, else 503 with each check's report. Default `/readyz`. */
  readyPath?: string;
  /** Your own checks, beside the built-in ones (app, http, queue). */
  checks?: Readonly<Record<string, HealthCheck>>;
  /** A check that takes longer counts as down. Default 2000 ms. */
  checkTimeoutMs?: number;
}

/**
 * Liveness and readiness of an application: a set of named checks run on each readiness probe, in
 * parallel, each bounded by `checkTimeoutMs`.
 * @example
 * app.get(Health).add('db', async () => ((await pool.query('select 1')) ? { status: 'up' } : { status: 'down' }));
 */
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly timeoutMs: number;
  private stopping = false;

  constructor(options: HealthOptions = {}) {
    this.timeoutMs = options.checkTimeoutMs ?? 2000;
    for (const [name, check] of Object.entries(options.checks ?? {})) this.add(name, check);
  }

  /** Add (or replace) a named check. */
  add(name: string, check: HealthCheck): this {
    this.checks.set(name, check);
    return this;
  }

  /** From now on readiness answers `draining` (the app is shutting down). */
  markStopping(): void {
    this.stopping = true;
  }

  /** Liveness: the process answers. */
  liveness(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /** Run every check. */
  async readiness(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [['app', () => (this.stopping ? { status: 'draining' } : { status: 'up' }) as HealthReport] as const, ...this.checks].map(
        async ([name, check]) => [name, await this.run(check)] as const,
      ),
    );
    const checks = Object.fromEntries(entries);
    return { status: entries.every(([, r]) => r.status === 'up') ? 'ready' : 'not_ready', checks };
  }

  private async run(check: HealthCheck): Promise<HealthReport> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        Promise.resolve().then(check),
        new Promise<HealthReport>((resolve) => {
          timer = setTimeout(() => resolve({ status: 'down', error: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
        }),
      ]);
    } catch (error) {
      return { status: 'down', error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Readiness of the HTTP server: listening is up, draining is draining, anything else down. */
export function httpCheck(server: HttpServer, supervising: () => boolean): HealthCheck {
  return () => {
    const state = server.state;
    if (state === 'listening') return { status: 'up', state, engine: server.engine };
    if (state === 'draining') return { status: 'draining', state, inFlight: server.inFlight };
    // The main thread of a worker-mode app supervises workers instead of listening.
    if (state === 'idle' && supervising()) return { status: 'up', state: 'supervising' };
    return { status: 'down', state };
  };
}

/**
 * Readiness of the queue driver: the connection state of the Redis (ioredis `status`) and AMQP
 * (`connection.ready`) drivers; in-process drivers (memory, filesystem) are up while open; other
 * drivers are not probed (`probe: 'none'`).
 */
export function queueCheck(driver: QueueDriver): HealthCheck {
  return () => {
    const d = driver as unknown as { client?: { status?: unknown }; connection?: { ready?: unknown } };
    if (driver.name === 'redis' && typeof d.client?.status === 'string') {
      return { status: d.client.status === 'ready' ? 'up' : 'down', driver: driver.name, connection: d.client.status };
    }
    if (driver.name === 'amqp' && typeof d.connection?.ready === 'boolean') {
      return { status: d.connection.ready ? 'up' : 'down', driver: driver.name, connection: d.connection.ready ? 'ready' : 'disconnected' };
    }
    if (driver.name === 'memory' || driver.name === 'filesystem') return { status: 'up', driver: driver.name, probe: 'in-process' };
    return { status: 'up', driver: driver.name, probe: 'none' };
  };
}
