import type { Cluster, Redis } from 'ioredis';

type Client = Redis | Cluster;

/**
 * Dedicated connections for blocking reads: an idle worker's claim borrows one and BZPOPMINs the
 * queue's wake-up marker, so it sleeps in Redis instead of polling. One connection per waiting
 * claim (a worker has at most one), kept for reuse afterwards.
 */
export class BlockingPool {
  private readonly idle: Client[] = [];
  private readonly all = new Set<Client>();
  private closed = false;

  constructor(
    private readonly make: () => Client,
    private readonly maxIdle = 64,
  ) {}

  /**
   * Block until `markerKey` gets a member, `ms` passes or `signal` aborts. Resolves true when woken
   * by a marker. Aborting drops the connection (a blocked connection cannot be reused safely).
   */
  async wait(markerKey: string, ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closed || signal?.aborted) return false;
    const conn = this.idle.pop() ?? this.open();
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      this.drop(conn);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = await conn.bzpopmin(markerKey, Math.max(0.01, ms / 1000).toFixed(3));
      return reply !== null;
    } catch (err) {
      if (aborted || this.closed) return false;
      this.drop(conn);
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!aborted && !this.closed && this.all.has(conn)) {
        if (this.idle.length < this.maxIdle) this.idle.push(conn);
        else this.drop(conn);
      }
    }
  }

  /** Connections open now (idle + in use). */
  get size(): number {
    return this.all.size;
  }

  /** Disconnect everything; pending waits resolve false. */
  close(): void {
    this.closed = true;
    for (const c of [...this.all]) this.drop(c);
    this.idle.length = 0;
  }

  private open(): Client {
    const conn = this.make();
    this.all.add(conn);
    return conn;
  }

  private drop(conn: Client): void {
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    conn.disconnect();
  }
}
