import { closeSync, constants, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { QueueError } from '../../errors.js';

/**
 * Side files (errors/<key>.jsonl, ids/<key>) are opened without blocking and without following links,
 * and must be regular files: a FIFO someone dropped there would otherwise freeze the event loop on open.
 */
const READ = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK | constants.O_NOFOLLOW;

function notRegular(path: string): QueueError {
  return new QueueError('ODY_QUEUE_IO', `${path} is not a regular file (a FIFO, directory or device put there by hand); remove it.`, {
    details: { path, notRegular: true },
  });
}

/** True for the error readRegular/appendRegular throw when the path is not a regular file (or is a symbolic link). */
export function isNotRegular(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ELOOP' || (QueueError.is(err, 'ODY_QUEUE_IO') && err.details.notRegular === true);
}

/** Read a regular file as UTF-8; throws ODY_QUEUE_IO for anything else (see isNotRegular). */
export function readRegular(path: string): string {
  const fd = openSync(path, READ);
  try {
    if (!fstatSync(fd).isFile()) throw notRegular(path);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Append text to a regular file (created if missing); throws for anything else, never blocks. */
export function appendRegular(path: string, text: string): void {
  const fd = openSync(path, APPEND, 0o644);
  try {
    if (!fstatSync(fd).isFile()) throw notRegular(path);
    const buf = Buffer.from(text);
    let done = 0;
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
  } finally {
    closeSync(fd);
  }
}
