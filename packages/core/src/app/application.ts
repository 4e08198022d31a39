import { z } from 'zod';
import { readEnvFile } from '../config/env.js';
import { mergeLayers } from '../config/merge.js';
import { resolveConfig, type SectionSpec } from '../config/resolve.js';
import { type ConfigEntry, configEntries, type ConfigLayers } from '../config/sources.js';
import { CoreError } from '../errors.js';
import { createLogger, type Logger, type LoggerOptions } from '../logger.js';
import type { PluginContext } from '../plugin/context.js';
import type { AnyPlugin } from '../plugin/define.js';
import { orderPlugins } from '../plugin/order.js';
import { withTimeout } from '../timeout.js';
import type { Token } from '../tokens.js';
import { currentWorker, type WorkerInfo } from '../worker.js';
import { type AppConfig, appConfigSchema } from './config-schema.js';
import { Kernel } from './kernel.js';
import { runTeardown, type ShutdownBudget, shutdownError, type TeardownStep } from './shutdown.js';

/** Options of createApplication. */
export interface ApplicationOptions {
  /** Config sections by plugin name, plus `app` for the kernel. Env variables override them. */
  config?: Record<string, unknown>;
  plugins?: readonly AnyPlugin[];
  /** Environment to read overrides from; default process.env. */
  env?: Record<string, string | undefined>;
  /** .env file read under the real environment; default `.env` in the cwd; false to skip. */
  envFile?: string | false;
  /** A ready logger, or options for the one Ody builds. */
  logger?: Logger | Omit<LoggerOptions, 'level'>;
}

/** Where an application is in its life. */
export type ApplicationState = 'created' | 'starting' | 'started' | 'stopping' | 'stopped' | 'failed';

interface PluginSlot {
  plugin: AnyPlugin;
  ctx: PluginContext<unknown>;
  hooks: Array<(budget: ShutdownBudget) => void | Promise<void>>;
  booted: boolean;
}

function isLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && typeof (value as Logger).child === 'function';
}

/** One DI container, its plugins and their lifecycle. Build it with createApplication. */
export class Application {
  readonly logger: Logger;
  readonly worker: WorkerInfo = currentWorker();
  readonly appConfig: AppConfig;
  private readonly kernel = new Kernel();
  /** Aborted when the shutdown budget runs out; plugins see it as ctx.shutdownSignal. */
  private readonly budgetExpired = new AbortController();
  private readonly slots: PluginSlot[];
  private currentState: ApplicationState = 'created';
  private starting?: Promise<void>;
  private stopping?: Promise<void>;

  private readonly config: Map<string, unknown>;
  private readonly layers: ConfigLayers | undefined;

  /** @internal use createApplication */
  constructor(plugins: readonly AnyPlugin[], config: Map<string, unknown>, logger: Logger | LoggerOptions | undefined, layers?: ConfigLayers) {
    this.config = config;
    this.layers = layers;
    this.appConfig = config.get('app') as AppConfig;
    this.logger = isLogger(logger)
      ? logger
      : createLogger({ name: this.appConfig.name, ...logger, level: this.appConfig.logLevel });
    this.slots = plugins.map((plugin) => this.slotFor(plugin, config.get(plugin.name)));
  }

  /** The underlying inversify container (escape hatch; prefer tokens). */
  get container() {
    return this.kernel.container;
  }

  get state(): ApplicationState {
    return this.currentState;
  }

  /** Plugin names in boot order. */
  get plugins(): string[] {
    return this.slots.map((s) => s.plugin.name);
  }

  /** Resolve a token; typed by the token. */
  get<T>(key: Token<T>): T {
    return this.kernel.get(key);
  }

  /** Whether anything is bound to the token. */
  has(key: Token<unknown>): boolean {
    return this.kernel.has(key);
  }

  /** The validated config section of a plugin. */
  configOf<T = unknown>(section: string): T {
    return this.slots.find((s) => s.plugin.name === section)?.ctx.config as T;
  }

  /**
   * Every leaf of the resolved config (`app` and each plugin's section) with the layer that set it:
   * `default` (schema) < `code` (createApplication's config, plugin options) < `file` (.env) < `env`.
   * Values are as the plugins see them (not redacted).
   * @example
   * app.configEntries().find((e) => e.path === 'http.port'); // { path, value: 8080, source: 'env', env: 'ODY_HTTP_PORT' }
   */
  configEntries(): ConfigEntry[] {
    return configEntries(this.config, this.layers ?? { code: new Map(), env: {}, file: {} });
  }

  /** Register every plugin, then boot them in dependency order. On failure, what booted is stopped. */
  start(): Promise<void> {
    if (this.starting !== undefined && (this.currentState === 'starting' || this.currentState === 'started')) {
      return this.starting;
    }
    if (this.currentState !== 'created') {
      return Promise.reject(new CoreError('ODY_APP_STATE', `Cannot start an application that is ${this.currentState}.`));
    }
    this.currentState = 'starting';
    this.starting = this.runStart();
    return this.starting;
  }

  /** Shut plugins down in reverse order. Idempotent: concurrent and repeated calls share one shutdown. */
  stop(): Promise<void> {
    if (this.stopping === undefined) this.stopping = this.runStop();
    return this.stopping;
  }

  /**
   * SIGTERM/SIGINT start a graceful stop, then exit 0 (or 1 when shutdown failed); a second signal
   * forces exit with 128+signal. Returns a function that removes the listeners.
   */
  listenForSignals(options: { signals?: NodeJS.Signals[]; exit?: boolean } = {}): () => void {
    const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
    const exit = options.exit ?? true;
    let received = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      received += 1;
      if (received > 1) {
        this.logger.error({ signal }, 'second signal: forcing exit');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      this.logger.info({ signal }, 'signal received: stopping');
      this.stop().then(
        () => 0,
        (err: unknown) => {
          this.logger.error({ err }, 'shutdown finished with errors');
          return 1;
        },
      ).then((code) => {
        if (exit) process.exit(code);
        else process.exitCode = code;
      });
    };
    for (const s of signals) process.on(s, onSignal);
    return () => {
      for (const s of signals) process.off(s, onSignal);
    };
  }

  private slotFor(plugin: AnyPlugin, config: unknown): PluginSlot {
    const hooks: Array<(budget: ShutdownBudget) => void | Promise<void>> = [];
    const kernel = this.kernel;
    const ctx: PluginContext<unknown> = {
      name: plugin.name,
      config,
      logger: this.logger.child({ plugin: plugin.name }),
      worker: this.worker,
      shutdownSignal: this.budgetExpired.signal,
      bind: (key) => kernel.binder(key, plugin.name, false),
      rebind: (key) => kernel.binder(key, plugin.name, true),
      get: (key) => kernel.get(key),
      has: (key) => kernel.has(key),
      resolve: (cls) => kernel.resolve(cls),
      onShutdown: (fn) => {
        hooks.push(fn);
      },
    };
    return { plugin, ctx, hooks, booted: false };
  }

  private async runStart(): Promise<void> {
    const timeoutMs = this.appConfig.bootTimeoutMs;
    let phase: 'register' | 'boot' = 'register';
    let current = '';
    try {
      for (const slot of this.slots) {
        current = slot.plugin.name;
        if (slot.plugin.register) await withTimeout(() => slot.plugin.register!(slot.ctx), timeoutMs, `register of plugin '${current}'`);
      }
      phase = 'boot';
      for (const slot of this.slots) {
        current = slot.plugin.name;
        if (slot.plugin.boot) await withTimeout(() => slot.plugin.boot!(slot.ctx), timeoutMs, `boot of plugin '${current}'`);
        slot.booted = true;
      }
    } catch (cause) {
      this.logger.error({ plugin: current, phase, err: cause }, 'start failed; stopping what started');
      this.currentState = 'failed';
      const failures = await this.teardown();
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new CoreError('ODY_BOOT_FAILED', `Plugin '${current}' failed in ${phase}: ${reason}`, {
        cause,
        details: { plugin: current, phase, rollbackFailures: failures.map((f) => f.plugin) },
      });
    }
    this.currentState = 'started';
    this.logger.info({ plugins: this.plugins, worker: this.worker.id }, 'application started');
  }

  private teardownSteps(): TeardownStep[] {
    return [...this.slots].reverse().map((slot) => ({
      plugin: slot.plugin.name,
      hooks: slot.hooks,
      shutdown: slot.booted && slot.plugin.shutdown ? (budget) => slot.plugin.shutdown!(slot.ctx, budget) : undefined,
      capMs: slot.plugin.shutdownTimeoutMs,
    }));
  }

  /** Run every teardown step within the one `app.shutdownTimeoutMs` budget. */
  private teardown() {
    return runTeardown(this.teardownSteps(), this.logger, {
      budgetMs: this.appConfig.shutdownTimeoutMs,
      graceMs: this.appConfig.shutdownGraceMs,
      linked: this.budgetExpired,
    });
  }

  private async runStop(): Promise<void> {
    if (this.starting !== undefined) await this.starting.catch(() => undefined);
    if (this.currentState === 'failed' || this.currentState === 'created') {
      this.currentState = 'stopped';
      return;
    }
    this.currentState = 'stopping';
    const failures = await this.teardown();
    this.currentState = 'stopped';
    if (failures.length > 0) throw shutdownError(failures);
    this.logger.info('application stopped');
  }
}

/**
 * Validate plugins and config, and build an Application (not started yet).
 * @example
 * const app = await createApplication({ config: { http: { port: 3000 } }, plugins: [httpPlugin()] });
 * await app.start();
 */
export async function createApplication(options: ApplicationOptions = {}): Promise<Application> {
  const plugins = orderPlugins(options.plugins ?? []);
  const sections = new Map<string, SectionSpec>([['app', { schema: appConfigSchema }]]);
  for (const p of plugins) {
    if (p.name === 'app') throw new CoreError('ODY_PLUGIN_DUPLICATE', "Plugin name 'app' is reserved for the kernel's own config.");
    sections.set(p.name, {
      schema: p.configSchema ?? z.object({}),
      options: p.options,
      passthrough: p.passthroughKeys,
      internalEnv: p.internalEnv,
    });
  }
  const fileEnv = options.envFile === false ? {} : readEnvFile(options.envFile ?? '.env');
  const given = options.env ?? process.env;
  const env = { ...fileEnv, ...given };
  const config = resolveConfig(sections, options.config ?? {}, env);
  const code = new Map([...sections].map(([name, spec]) => [name, mergeLayers(spec.options, options.config?.[name])] as const));
  return new Application(plugins, config, options.logger, { code, env: { ...given }, file: fileEnv });
}
