import type { QueueNatsError } from './errors.js';

/** Connection events of a NATS driver. */
export interface ConnectionEvents {
  /** The connection failed or dropped (ODY_QUEUE_NATS_CONNECTION); the client keeps reconnecting. */
  error: (error: QueueNatsError) => void;
  /** The client is trying to reconnect. */
  reconnecting: () => void;
  /** The connection is (again) up; waiting claims and pushes continue. */
  ready: () => void;
}

/** Listener sets for ConnectionEvents; an error with no listener is printed once per outage. */
export class ConnectionEmitter {
  private readonly listeners = new Map<keyof ConnectionEvents, Set<(...a: never[]) => void>>();
  private warned = false;

  on<K extends keyof ConnectionEvents>(event: K, fn: ConnectionEvents[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn as (...a: never[]) => void);
    return () => set.delete(fn as (...a: never[]) => void);
  }

  emit<K extends keyof ConnectionEvents>(event: K, ...args: Parameters<ConnectionEvents[K]>): void {
    if (event === 'ready') this.warned = false;
    const set = this.listeners.get(event);
    if (!set || set.size === 0) {
      if (event === 'error' && !this.warned) {
        this.warned = true;
        console.warn(`[@ody/queue-nats] ${(args[0] as Error).message}`);
      }
      return;
    }
    for (const fn of set) {
      try {
        (fn as (...a: unknown[]) => void)(...args);
      } catch {
        // a listener's bug must not break the connection handling
      }
    }
  }
}

