import { close, fsync, open } from 'node:fs';

/** fsync a directory so the names created in it survive power loss. */
export function fsyncDir(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    open(dir, 'r', (err, fd) => {
      if (err) return reject(err);
      fsync(fd, (syncErr) => close(fd, () => (syncErr ? reject(syncErr) : resolve())));
    });
  });
}
