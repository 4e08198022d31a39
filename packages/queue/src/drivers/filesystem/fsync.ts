import { close, fdatasync, fsync, open } from 'node:fs';

/** fdatasync a new file on the thread pool (its data and size; timestamps need not be durable). */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** fsync a directory so the names created in it survive power loss. */
export function fsyncDir(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    open(dir, 'r', (err, fd) => {
      if (err) return reject(err);
      fsync(fd, (syncErr) => close(fd, () => (syncErr ? reject(syncErr) : resolve())));
    });
  });
}
