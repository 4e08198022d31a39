/** Listener signatures by event name: `{ close: (code: number) => void; error: (err: Error) => void }`. */
// biome-ignore lint/suspicious/noExplicitAny: listener parameters are declared by each event map
export type EventMap = { [event: string]: (...args: any[]) => unknown };

/** The one method an emitter needs from a logger (pino's `logger.error(obj, msg)` fits). */
export interface EmitterLogger {
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** Options of an emitter. */
export interface EmitterOptions {
  /** Where a throwing listener (or an `'error'` nobody listens to) is reported; default console.error. */
  logger?: EmitterLogger;
  /** Who emits, added to each log line (e.g. `'queue worker emails'`). */
  source?: string;
}

const consoleLogger: EmitterLogger = {
  error(obj, msg) {
    console.error(msg ?? 'emitter error', obj);
  },
};

type Entry = { listener: (...args: unknown[]) => unknown; once: boolean };

/**
 * Typed event emitter. `on()` returns an unsubscribe function; `emit()` never throws: a listener that
 * throws (or rejects) is logged with the event name and the other listeners still run; its error is
 * never re-emitted as `'error'`. An `'error'` event with no listener is logged instead of crashing.
 * @example
 * type Events = { close: (code: number) => void };
 * const events = createEmitter<Events>({ logger });
 * const off = events.on('close', (code) => console.log(code));
 * events.emit('close', 1000); off();
 */
export class Emitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Entry[]>();
  private emitterLogger: EmitterLogger;
  private readonly source: string | undefined;

  constructor(options: EmitterOptions = {}) {
    this.emitterLogger = options.logger ?? consoleLogger;
    this.source = options.source;
  }

  /** Replace the logger that reports throwing listeners (e.g. once a plugin context gives one). */
  setEmitterLogger(logger: EmitterLogger): void {
    this.emitterLogger = logger;
  }

  /** Listen to `event`; returns a function that removes this listener. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    return this.add(event, listener, false);
  }

  /** Listen to the next `event` only; returns a function that removes the listener before it fires. */
  once<K extends keyof E>(event: K, listener: E[K]): () => void {
    return this.add(event, listener, true);
  }

  /** Remove a listener added with on() or once() (the first matching registration). */
  off<K extends keyof E>(event: K, listener: E[K]): void {
    const list = this.listeners.get(event);
    if (list === undefined) return;
    const index = list.findIndex((entry) => entry.listener === listener);
    if (index >= 0) this.removeAt(event, list, index);
  }

  /**
   * Call every listener of `event` with `args`, in registration order. Never throws.
   * Returns whether at least one listener was called.
   */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): boolean {
    const list = this.listeners.get(event);
    if (list === undefined || list.length === 0) {
      if (event === 'error') this.report(event, args[0], `'error' emitted with no listener`);
      return false;
    }
    for (const entry of [...list]) {
      if (entry.once) this.off(event, entry.listener as E[K]);
      try {
        const result = entry.listener(...args);
        if (isThenable(result)) result.then(undefined, (err: unknown) => this.report(event, err, 'event listener rejected'));
      } catch (err) {
        this.report(event, err, 'event listener threw');
      }
    }
    return true;
  }

  /** Number of listeners of `event`. */
  listenerCount(event: keyof E): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  /** Remove every listener of `event`, or of every event. */
  removeAllListeners(event?: keyof E): void {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
  }

  private add(event: keyof E, listener: E[keyof E], once: boolean): () => void {
    if (typeof listener !== 'function') throw new TypeError(`Listener for '${String(event)}' must be a function.`);
    const entry: Entry = { listener: listener as Entry['listener'], once };
    const list = this.listeners.get(event);
    if (list === undefined) this.listeners.set(event, [entry]);
    else list.push(entry);
    return () => {
      const current = this.listeners.get(event);
      const index = current?.indexOf(entry) ?? -1;
      if (current !== undefined && index >= 0) this.removeAt(event, current, index);
    };
  }

  private removeAt(event: keyof E, list: Entry[], index: number): void {
    list.splice(index, 1);
    if (list.length === 0) this.listeners.delete(event);
  }

  private report(event: keyof E, err: unknown, msg: string): void {
    try {
      const fields: Record<string, unknown> = { event: String(event), err };
      if (this.source !== undefined) fields.source = this.source;
      this.emitterLogger.error(fields, msg);
    } catch {
      // A logger that throws must not make emit() throw either.
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Build a typed emitter (same as `new Emitter<E>(options)`).
 * @example
 * const events = createEmitter<{ ready: () => void }>();
 */
export function createEmitter<E extends EventMap>(options?: EmitterOptions): Emitter<E> {
  return new Emitter<E>(options);
}
