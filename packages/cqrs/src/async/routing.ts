import type { JobBackoff } from '@ody/queue';
import { asyncMetaOf } from '../decorators/metadata.js';
import type { MessageRegistry } from '../messages/registry.js';

/** How an async command is queued and retried. */
export interface AsyncRoute {
  readonly queue: string;
  /** Total attempts (first run included). */
  readonly attempts: number;
  /** Wait between attempts: ms (fixed) or the queue's backoff (`{ type, delayMs, ... }`). */
  readonly backoff: number | JobBackoff;
  /** Attempt timeout in ms; 0 = none. */
  readonly timeoutMs: number;
}

/** Per-route overrides from `@Async` or the routing table. */
export interface AsyncRouteOptions {
  queue: string;
  attempts?: number;
  backoff?: number | JobBackoff;
  /** Attempt timeout in ms; 0 = none. */
  timeoutMs?: number;
}

/** Which commands go to which queue: `@Async` on the class, overridden by the routing table in config. */
export class AsyncRouting {
  constructor(
    private readonly registry: MessageRegistry,
    private readonly table: Readonly<Record<string, string | AsyncRouteOptions>>,
    private readonly defaults: Omit<AsyncRoute, 'queue'>,
  ) {}

  /** The route of a command by registered name, or undefined when it runs in-process only. */
  routeOf(name: string): AsyncRoute | undefined {
    const fromTable = this.table[name];
    const fromClass = asyncMetaOf(this.registry.get(name)?.key);
    const chosen: AsyncRouteOptions | undefined =
      typeof fromTable === 'string' ? { ...fromClass, queue: fromTable } : (fromTable ?? fromClass);
    if (chosen === undefined) return undefined;
    return {
      queue: chosen.queue,
      attempts: chosen.attempts ?? this.defaults.attempts,
      backoff: chosen.backoff ?? this.defaults.backoff,
      timeoutMs: chosen.timeoutMs ?? this.defaults.timeoutMs,
    };
  }

  /** Names of every routed command that is registered. */
  routedNames(): string[] {
    return this.registry
      .list()
      .filter((m) => m.kind === 'command' && this.routeOf(m.name) !== undefined)
      .map((m) => m.name);
  }

  /** Names in the routing table that no registered command carries (likely typos). */
  unknownTableEntries(): string[] {
    return Object.keys(this.table).filter((name) => this.registry.get(name)?.kind !== 'command');
  }
}
