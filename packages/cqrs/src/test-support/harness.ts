import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesystemDriver, memoryDriver, Queue, type QueueDriver } from '@ody/queue';
import { FilesystemStatusStore } from '../async/fs-status-store.js';
import { MemoryStatusStore } from '../async/memory-status-store.js';
import type { CommandStatusStore } from '../async/status-store.js';

/** A queue driver and its matching status store, plus cleanup. */
export interface Backend {
  driver: QueueDriver;
  store: CommandStatusStore;
  queues: { queue(name: string): Queue };
  dir?: string;
  close(): Promise<void>;
}

/** Queues by name on one driver (cached). */
export function queuesOn(driver: QueueDriver): { queue(name: string): Queue } {
  const map = new Map<string, Queue>();
  return {
    queue(name) {
      let q = map.get(name);
      if (q === undefined) {
        q = new Queue(name, { driver });
        map.set(name, q);
      }
      return q;
    },
  };
}

/** Backends every async test runs on. */
export const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'memory',
    async () => {
      const driver = memoryDriver();
      return { driver, store: new MemoryStatusStore(), queues: queuesOn(driver), close: () => driver.close() };
    },
  ],
  [
    'filesystem',
    async () => {
      const { dir, remove } = tempDir('ody-cqrs-fs-');
      const driver = filesystemDriver({ dir: join(dir, 'queue'), durable: false });
      const store = new FilesystemStatusStore(join(dir, 'queue', '.cqrs-status'));
      return {
        driver,
        store,
        queues: queuesOn(driver),
        dir,
        close: async () => {
          await driver.close();
          remove();
        },
      };
    },
  ],
];

/** A fresh temp directory removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export { FilesystemStatusStore };
