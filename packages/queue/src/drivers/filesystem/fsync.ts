import { fdatasync, fsync } from 'node:fs';

/** fdatasync a new file on the thread pool (its data and size; timestamps need not be durable). */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** fsync an open directory descriptor so the names created in it survive power loss (the group commit keeps ready/ and delayed/ open). */
export function fsyncOpenDir(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}
