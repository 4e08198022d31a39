/** Pool counters at one moment. */
export interface TaskPoolStats {
  /** Tasks waiting in the pool's queue. */
  queued: number;
  /** Tasks handed to a thread and not settled yet. */
  running: number;
  completed: number;
  failed: number;
  /** Mean run time (ms) of every attempt, measured inside the thread. */
  meanMs: number;
  /** 99th percentile run time (ms) over the last 1024 tasks. */
  p99Ms: number;
  /** Threads alive (starting or ready). */
  threads: number;
}

const WINDOW = 1024;

/** Run-time accounting with no per-task allocation: running sums and a fixed ring of recent durations. */
export class RunTimes {
  completed = 0;
  failed = 0;
  private samples = 0;
  private total = 0;
  private readonly ring = new Float64Array(WINDOW);
  private cursor = 0;
  /** Exponentially weighted mean of recent run times; drives batch sizes. */
  recentMs = 0;

  /** Account one attempt's run time (final outcomes are counted by the pool). */
  record(ms: number): void {
    this.samples++;
    this.total += ms;
    this.ring[this.cursor] = ms;
    this.cursor = (this.cursor + 1) % WINDOW;
    this.recentMs += (ms - this.recentMs) * 0.05;
  }

  get meanMs(): number {
    return this.samples === 0 ? 0 : this.total / this.samples;
  }

  get p99Ms(): number {
    const n = Math.min(WINDOW, this.samples);
    if (n === 0) return 0;
    const sorted = this.ring.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.ceil(0.99 * n) - 1)]!;
  }
}

/** Tasks one thread may hold: many for trivial tasks (fewer messages), one for slow ones (balance). */
export function batchCapacity(recentMs: number, maxBatch: number): number {
  if (recentMs < 0.05) return maxBatch;
  if (recentMs < 0.5) return Math.min(maxBatch, 16);
  if (recentMs < 5) return Math.min(maxBatch, 4);
  return 1;
}
