import { closeSync, constants, existsSync, type FSWatcher, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { QueueError } from '../../errors.js';
import { Waiters } from '../memory/waiters.js';
import { Candidates } from './candidates.js';
import { COMPLETION_RECORD_BYTES } from './completion.js';
import { moveGarbage, removeEntry } from './garbage.js';
import { splitTimePrefixed } from './names.js';

/** Longest time a cached paused flag is trusted without an fs.watch event. */
const PAUSED_TTL_MS = 50;

/** State subdirectories of one queue. */
export const STATES = ['tmp', 'ready', 'leased', 'completing', 'delayed', 'failed', 'errors', 'ids'] as const;

/** Open completed.log for appends without blocking (a FIFO there must not freeze the process); it must be a regular file. */
function openCountFile(path: string): number {
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK | constants.O_NOFOLLOW, 0o644);
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new QueueError('ODY_QUEUE_IO', `${path} is not a regular file; remove it (it holds the completed count).`, { details: { path } });
  }
  return fd;
}

/** One queue's directory and this process's view of it (candidates, delayed cache, watchers, waiters). */
export class QueueDir {
  readonly root: string;
  readonly tmp: string;
  readonly ready: string;
  readonly leased: string;
  readonly completing: string;
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
  private pausedCache: boolean | undefined;
  private pausedCheckedAt = 0;
  private rootWatched = false;

  constructor(base: string, queue: string) {
    this.root = join(base, queue);
    this.tmp = join(this.root, 'tmp');
    this.ready = join(this.root, 'ready');
    this.leased = join(this.root, 'leased');
    this.completing = join(this.root, 'completing');
    this.delayed = join(this.root, 'delayed');
    this.failed = join(this.root, 'failed');
    this.errors = join(this.root, 'errors');
    this.ids = join(this.root, 'ids');
    this.pausedFile = join(this.root, 'paused');
    for (const s of STATES) mkdirSync(join(this.root, s), { recursive: true });
    this.cleanStrayTmp();
    this.completedFd = openCountFile(join(this.root, 'completed.log'));
    this.watch();
  }

  /**
   * Whether the queue is paused. The answer is cached while the root watcher runs: it is dropped on
   * any fs.watch event about `paused`, by setPaused, and after PAUSED_TTL_MS in case an event was lost.
   */
  get paused(): boolean {
    const now = Date.now();
    if (this.pausedCache === undefined || !this.rootWatched || now - this.pausedCheckedAt > PAUSED_TTL_MS) {
      this.pausedCache = existsSync(this.pausedFile);
      this.pausedCheckedAt = now;
    }
    return this.pausedCache;
  }

  /** Record a pause/resume this process just made (the file is already written or removed). */
  setPaused(value: boolean): void {
    this.pausedCache = value;
    this.pausedCheckedAt = Date.now();
  }

  /** Count of acknowledged jobs (one fixed-size record appended per ack, O_APPEND so processes never collide). */
  get completed(): number {
    return Math.floor(fstatSync(this.completedFd).size / COMPLETION_RECORD_BYTES);
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
    const names: string[] = [];
    for (const n of readdirSync(this.delayed)) {
      if (splitTimePrefixed(n) !== undefined) names.push(n);
      else moveGarbage(this, this.delayed, n, 'delayed');
    }
    this.delayedNames = names.sort();
  }

  close(): void {
    this.rootWatched = false;
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
        if (lstatSync(path).mtimeMs < cutoff) removeEntry(path);
      } catch {
        // raced with its writer or another cleaner
      }
    }
  }

  private watch(): void {
    // fs.watch (inotify) wakes claims when another process adds a job; a slow listing covers lost events.
    const onReady = (_event: string, name: string | Buffer | null) => {
      if (typeof name === 'string' && name !== '') {
        // A known name needs no check: either it is still there, or it went away and the claim that
        // tries it skips it on ENOENT. That spares a syscall per job this process pushed itself.
        if (this.candidates.consumeTaken(name)) return; // our own claim: nothing new to wake for
        if (!this.candidates.has(name) && existsSync(join(this.ready, name))) this.candidates.add(name);
      } else this.readyDirty = true;
      this.waiters.notify();
    };
    const onDelayed = () => {
      this.delayedDirty = true;
      this.waiters.notify();
    };
    const onRoot = (_event: string, name: string | Buffer | null) => {
      if (name === 'paused' || typeof name !== 'string') {
        this.pausedCache = undefined;
        this.waiters.notify();
      }
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
          if (dir === this.root) this.rootWatched = false;
        });
        this.watchers.push(w);
        if (dir === this.root) this.rootWatched = true;
      } catch {
        // No inotify (e.g. exhausted watches): the fallback listing interval still finds jobs.
      }
    }
  }
}
