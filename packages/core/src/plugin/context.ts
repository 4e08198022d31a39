import type { ShutdownBudget } from '../app/shutdown.js';
import type { Logger } from '../logger.js';
import type { Token } from '../tokens.js';
import type { WorkerInfo } from '../worker.js';

/** A class whose constructor dependencies are all declared with `@inject(Token)`. */
// biome-ignore lint/suspicious/noExplicitAny: constructor arguments are injected, not typed here
export type Newable<T> = new (...args: any[]) => T;

/** How a token is provided: a value, a lazy singleton factory, or a singleton class. */
export interface Binder<T> {
  toValue(value: T): void;
  toFactory(factory: (get: <U>(token: Token<U>) => U) => T): void;
  toClass(cls: Newable<T>): void;
}

/** The narrow API a plugin sees. */
export interface PluginContext<TConfig = unknown> {
  /** This plugin's name. */
  readonly name: string;
  /** This plugin's validated config section. */
  readonly config: TConfig;
  /** Child logger with `plugin: name`. */
  readonly logger: Logger;
  /** Which thread this application runs in. */
  readonly worker: WorkerInfo;
  /** Bind a token; binding one twice (from any plugin) is an error unless you use rebind. */
  bind<T>(token: Token<T>): Binder<T>;
  /** Replace an existing binding (or create it). */
  rebind<T>(token: Token<T>): Binder<T>;
  /** Resolve a token. */
  get<T>(token: Token<T>): T;
  /** Whether a token is bound. */
  has(token: Token<unknown>): boolean;
  /** Build an instance of a class through the container (its `@inject` dependencies resolved). */
  resolve<T>(cls: Newable<T>): T;
  /**
   * Aborts when the application's shutdown budget (`app.shutdownTimeoutMs`) runs out: whatever is
   * still draining must close now. The same signal is in the budget handed to shutdown hooks.
   */
  readonly shutdownSignal: AbortSignal;
  /**
   * Run `fn` at shutdown, before this plugin's own shutdown hook (last registered runs first). It gets
   * the budget (`{ signal, deadline, remainingMs() }`).
   */
  onShutdown(fn: (budget: ShutdownBudget) => void | Promise<void>): void;
}
