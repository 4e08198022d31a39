import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Remembers forwarded message ids so a resent message is accepted once (the server's dedupe window). */
export interface SeenStore {
  has(queue: string, id: string): boolean | Promise<boolean>;
  add(queue: string, id: string): void | Promise<void>;
}

/** In-memory dedupe window of the last `max` ids per queue (lost on restart; fine for tests). */
export function memorySeenStore(max = 100_000): SeenStore {
  const byQueue = new Map<string, Set<string>>();
  return {
    has: (queue, id) => byQueue.get(queue)?.has(id) ?? false,
    add(queue, id) {
      let set = byQueue.get(queue);
      if (set === undefined) {
        set = new Set();
        byQueue.set(queue, set);
      }
      set.add(id);
      if (set.size > max) set.delete(set.values().next().value!);
    },
  };
}

/**
 * Dedupe window on disk: one empty file per id under `dir/<queue>/`, kept `ttlMs` (default 7 days),
 * so a server restart does not forget what it accepted.
 */
export function fileSeenStore(dir: string, ttlMs = 7 * 24 * 3600_000): SeenStore {
  const made = new Set<string>();
  let lastSweep = 0;
  const pathOf = (queue: string, id: string) => {
    const qdir = join(dir, queue);
    if (!made.has(qdir)) {
      mkdirSync(qdir, { recursive: true });
      made.add(qdir);
    }
    return join(qdir, createHash('sha1').update(id).digest('hex'));
  };
  const sweep = (queue: string) => {
    const now = Date.now();
    if (now - lastSweep < 60_000) return;
    lastSweep = now;
    const qdir = join(dir, queue);
    for (const f of readdirSync(qdir)) {
      try {
        if (now - statSync(join(qdir, f)).mtimeMs > ttlMs) unlinkSync(join(qdir, f));
      } catch {
        // swept by someone else
      }
    }
  };
  return {
    has(queue, id) {
      try {
        statSync(pathOf(queue, id));
        return true;
      } catch {
        return false;
      }
    },
    add(queue, id) {
      closeSync(openSync(pathOf(queue, id), 'w'));
      sweep(queue);
    },
  };
}
