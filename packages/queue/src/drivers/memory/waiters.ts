/** Claims parked until something may be ready: woken by notify(), a timer or their abort signal. */
export class Waiters {
  private readonly parked = new Set<() => void>();

  /** Resolve after `ms`, on notify() or on abort, whichever first. */
  wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.parked.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.parked.add(done);
    });
  }

  /** Wake every parked claim. */
  notify(): void {
    if (this.parked.size === 0) return;
    for (const done of [...this.parked]) done();
  }

  get size(): number {
    return this.parked.size;
  }
}
