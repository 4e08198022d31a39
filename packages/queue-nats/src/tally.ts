import type { KV } from '@nats-io/kv';

/**
 * The completed counter of one queue: a KV key updated with compare-and-set. Completions add to a
 * local count; one update is in flight at a time and carries everything added meanwhile, so many
 * acks cost one KV round trip. A process killed between an ack and its flush loses those counts
 * (the jobs are done; only the statistic is short).
 */
export class CompletedTally {
  private pending = 0;
  private revision = 0;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly kv: KV,
    private readonly key: string,
  ) {}

  add(n = 1): void {
    this.pending += n;
    if (this.flushing === undefined) this.flushing = this.loop(FLUSH_EVERY_MS);
  }

  /** Resolves when every count added so far is stored. */
  async flush(): Promise<void> {
    this.hurry?.();
    while (this.flushing !== undefined) {
      this.hurry?.();
      await this.flushing;
    }
  }

  /** The stored total (flushes first). */
  async total(): Promise<number> {
    await this.flush();
    const e = await this.kv.get(this.key);
    return e === null || e.operation !== 'PUT' ? 0 : Number(e.string()) || 0;
  }

  private async loop(delayMs: number): Promise<void> {
    // Completions arriving within delayMs share one KV update; flush() (counts) cuts the wait short.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      this.hurry = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.hurry = undefined;
    try {
      for (let tries = 0; this.pending > 0 && tries < 1000; tries++) {
        const n = this.pending;
        this.pending = 0;
        try {
          await this.store(n);
        } catch {
          this.pending += n;
          await new Promise((r) => setTimeout(r, Math.min(1000, 10 * (tries + 1))));
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async store(n: number): Promise<void> {
    for (let conflicts = 0; ; conflicts++) {
      let current = 0;
      if (this.revision === 0 || conflicts > 0) {
        const e = await this.kv.get(this.key);
        this.revision = e?.revision ?? 0;
        current = e === null || e.operation !== 'PUT' ? 0 : Number(e.string()) || 0;
        this.cached = current;
      } else {
        current = this.cached;
      }
      try {
        this.revision = this.revision === 0 ? await this.kv.create(this.key, String(current + n)) : await this.kv.update(this.key, String(current + n), this.revision);
        this.cached = current + n;
        return;
      } catch (err) {
        if (conflicts > 50) throw err;
      }
    }
  }

  private cached = 0;
  private hurry: (() => void) | undefined;
}

/** How long completions gather before one counter update. */
const FLUSH_EVERY_MS = 100;
