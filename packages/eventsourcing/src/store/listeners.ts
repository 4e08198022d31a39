/** A set of wake-up listeners; calling them never throws into the writer. */
export class Listeners {
  private readonly set = new Set<() => void>();

  add(listener: () => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  fire(): void {
    for (const l of this.set) {
      try {
        l();
      } catch {
        // A listener is a wake-up hint; its failure must not fail the append that woke it.
      }
    }
  }

  clear(): void {
    this.set.clear();
  }
}

/** Runs async tasks one at a time, in call order. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
