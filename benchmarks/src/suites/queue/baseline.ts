/** The fsync-per-message baseline: what a file queue without group commit does (write, fsync, rename, fsync dir). */
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Messages/s of sequential durable single-file writes in `dir` (one file per message: write, fsync —
 * or fdatasync with `dataOnly`, what Ody's group commit uses for data —, rename, fsync the directory).
 */
export function fsyncPerMessage(dir: string, n: number, dataOnly = false): number {
  const tmp = join(dir, 'tmp');
  const ready = join(dir, 'ready');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(ready, { recursive: true });
  const payload = Buffer.from(JSON.stringify({ i: 0, pad: 'x'.repeat(40) }));
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const name = `m${i}`;
    const fd = openSync(join(tmp, name), 'w');
    writeSync(fd, payload);
    if (dataOnly) fdatasyncSync(fd);
    else fsyncSync(fd);
    closeSync(fd);
    renameSync(join(tmp, name), join(ready, name));
    const dfd = openSync(ready, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  }
  const rate = (n / (performance.now() - start)) * 1000;
  rmSync(dir, { recursive: true, force: true });
  return rate;
}
