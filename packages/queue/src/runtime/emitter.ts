/** A small typed event emitter whose emit never throws: a listener's error goes to `onListenerError` (never re-emitted). */
// biome-ignore lint/suspicious/noExplicitAny: listener argument lists are declared per event map
export class Emitter<E extends Record<string, (...args: any[]) => void>> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>();

  constructor(private readonly onListenerError: (err: unknown, event: string) => void = () => {}) {}

  /** Add a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof E>(event: K, listener: E[K]): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Whether anyone listens to `event` (lets hot paths skip building event arguments). */
  has(event: keyof E): boolean {
    const set = this.listeners.get(event);
    return set !== undefined && set.size > 0;
  }

  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        listener(...args);
      } catch (err) {
        this.onListenerError(err, String(event));
      }
    }
  }
}
