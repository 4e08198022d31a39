import { closeSync, existsSync, type FSWatcher, fstatSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, watch } from 'node:fs';
import { join } from 'node:path';
import { Waiters } from '../memory/waiters.js';
import { Candidates } from './candidates.js';
import { splitTimePrefixed } from './names.js';

/** State subdirectories of one queue. */
export const STATES = ['tmp', 'ready', 'leased', 'delayed', 'failed', 'errors', 'ids'] as const;

/** One queue's directory and this process's view of it (candidates, delayed cache, watchers, waiters). */
export class QueueDir {
  readonly root: string;
  readonly tmp: string;
  readonly ready: string;
  readonly leased: string;
  readonly delayed: string;
  readonly failed: string;
  readonly errors: string;
  readonly ids: string;
  readonly pausedFile: string;
  readonly candidates = new Candidates();
  readonly waiters = new Waiters();
  /** Sorted delayed names (time-prefixed); refreshed when delayed/ changes. */
  delayedNames: string[] = [];
  delayedDirty = true;
  readyDirty = true;
  lastListing = 0;
  /** Lease token (first leased name) → current leased name, for leases held by this process. */
  readonly leases = new Map<string, string>();
  private completedFd: number;
  private readonly watchers: FSWatcher[] = [];

  constructor(base: string, queue: string) {
    this.root = join(base, queue);
    this.tmp = join(this.root, 'tmp');
    this.ready = join(this.root, 'ready');
    this.leased = join(this.root, 'leased');
    this.delayed = join(this.root, 'delayed');
    this.failed = join(this.root, 'failed');
    this.errors = join(this.root, 'errors');
    this.ids = join(this.root, 'ids');
    this.pausedFile = join(this.root, 'paused');
    for (const s of STATES) mkdirSync(join(this.root, s), { recursive: true });
    this.cleanStrayTmp();
    this.completedFd = openSync(join(this.root, 'completed.log'), 'a');
    this.watch();
  }

  get paused(): boolean {
    return existsSync(this.pausedFile);
  }

  /** Count of acknowledged jobs (one byte appended per ack, O_APPEND so processes never collide). */
  get completed(): number {
    return fstatSync(this.completedFd).size;
  }

  get completedFdNumber(): number {
    return this.completedFd;
  }

  /** Re-list ready/ into the candidate set. */
  refill(): void {
    this.candidates.reset(readdirSync(this.ready));
    this.readyDirty = false;
    this.lastListing = Date.now();
  }

  /** Re-list delayed/ when something changed there. */
  refreshDelayed(): void {
    if (!this.delayedDirty) return;
    this.delayedDirty = false;
    this.delayedNames = readdirSync(this.delayed)
      .filter((n) => splitTimePrefixed(n) !== undefined)
      .sort();
  }

  close(): void {
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    this.waiters.notify();
    try {
      closeSync(this.completedFd);
    } catch {
      // already closed
    }
    this.completedFd = -1;
  }

  /** Tmp files older than a minute belong to writers that crashed; their data never became visible. */
  private cleanStrayTmp(): void {
    const cutoff = Date.now() - 60_000;
    for (const name of readdirSync(this.tmp)) {
      const path = join(this.tmp, name);
      try {
        if (statSync(path).mtimeMs < cutoff) unlinkSync(path);
      } catch {
        // raced with its writer or another cleaner
      }
    }
  }

  private watch(): void {
    // fs.watch (inotify) wakes claims when another process adds a job; a slow listing covers lost events.
    const onReady = (_event: string, name: string | Buffer | null) => {
      if (typeof name === 'string' && name !== '') {
        if (existsSync(join(this.ready, name))) this.candidates.add(name);
        else this.candidates.delete(name);
      } else this.readyDirty = true;
      this.waiters.notify();
    };
    const onDelayed = () => {
      this.delayedDirty = true;
      this.waiters.notify();
    };
    const onRoot = (_event: string, name: string | Buffer | null) => {
      if (name === 'paused') this.waiters.notify();
    };
    for (const [dir, fn] of [
      [this.ready, onReady],
      [this.delayed, onDelayed],
      [this.root, onRoot],
    ] as const) {
      try {
        const w = watch(dir, { persistent: false }, fn);
        w.on('error', () => {
          this.readyDirty = true;
        });
        this.watchers.push(w);
      } catch {
        // No inotify (e.g. exhausted watches): the fallback listing interval still finds jobs.
      }
    }
  }
}
