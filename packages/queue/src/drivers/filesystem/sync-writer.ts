import { Worker } from 'node:worker_threads';

/**
 * One durable batch, written by a writer thread in one synchronous run: create `tmp` (exclusive), write
 * `data`, fdatasync, close; then either rename `tmp` to the single `paths[0]` (`rename`) or hard-link it
 * under every path; fsync every directory of `dirs`; unlink `tmp` (link mode). On any error every name
 * made so far and `tmp` are removed again and the call rejects with the system error (code kept).
 */
export interface DurableBatch {
  tmp: string;
  data: Uint8Array;
  paths: string[];
  rename: boolean;
  dirs: string[];
}

/**
 * Why a thread and not fs.fdatasync + fs.fsync: each async fs call is a round trip to the libuv pool
 * (wake a pool thread, wake the event loop), two per batch. A lone sequential producer pays those
 * wake-ups on every push, and on a busy or virtualised machine they cost as much as a flush. The
 * writer thread does the whole batch with sync calls: one round trip per batch, the same syscalls as
 * a naive fsync-per-message loop. The event loop never blocks on the disk.
 */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const dirFds = new Map();
function dirFd(owner, path) {
  const key = owner + '\\0' + path;
  let fd = dirFds.get(key);
  if (fd === undefined) {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    dirFds.set(key, fd);
  }
  return fd;
}
function quiet(fn) { try { fn(); } catch {} }
function writeFully(fd, buf) {
  let done = 0;
  while (done < buf.length) {
    const n = fs.writeSync(fd, buf, done, buf.length - done);
    if (n <= 0) { const e = new Error('short write: ' + done + ' of ' + buf.length + ' bytes'); e.code = 'ENOSPC'; throw e; }
    done += n;
  }
}
parentPort.on('message', (m) => {
  if (m.release !== undefined) {
    const prefix = m.release + '\\0';
    for (const [key, fd] of dirFds) if (key.startsWith(prefix)) { quiet(() => fs.closeSync(fd)); dirFds.delete(key); }
    return;
  }
  const made = [];
  let tmpExists = false;
  try {
    const fd = fs.openSync(m.tmp, 'wx');
    tmpExists = true;
    try {
      writeFully(fd, m.data);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (m.rename) {
      fs.renameSync(m.tmp, m.paths[0]);
      tmpExists = false;
      made.push(m.paths[0]);
    } else {
      for (const p of m.paths) { fs.linkSync(m.tmp, p); made.push(p); }
    }
    for (const d of m.dirs) fs.fsyncSync(dirFd(m.owner, d));
    if (tmpExists) quiet(() => fs.unlinkSync(m.tmp));
    parentPort.postMessage({ id: m.id });
  } catch (err) {
    for (const p of made) quiet(() => fs.unlinkSync(p));
    if (tmpExists) quiet(() => fs.unlinkSync(m.tmp));
    parentPort.postMessage({ id: m.id, error: { message: String(err && err.message), code: err && err.code, syscall: err && err.syscall, path: err && err.path } });
  }
});
`;

interface Reply {
  id: number;
  error?: { message: string; code?: string; syscall?: string; path?: string };
}

/** Writer threads of the process, shared by every driver; a queue's batches always go to the same one. */
const POOL_SIZE = 4;

class WriterThread {
  private worker: Worker | undefined;
  private readonly inFlight = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  private nextId = 0;

  private start(): Worker {
    const worker = new Worker(SOURCE, { eval: true, name: 'ody-queue-fs-writer' });
    worker.unref();
    worker.on('message', (r: Reply) => {
      const call = this.inFlight.get(r.id);
      if (call === undefined) return;
      this.inFlight.delete(r.id);
      if (this.inFlight.size === 0) worker.unref();
      if (r.error === undefined) call.resolve();
      else call.reject(Object.assign(new Error(r.error.message), { code: r.error.code, syscall: r.error.syscall, path: r.error.path }));
    });
    const lost = (err: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      const calls = [...this.inFlight.values()];
      this.inFlight.clear();
      for (const c of calls) c.reject(err);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the queue writer thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  write(owner: number, batch: DurableBatch): Promise<void> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      // A push in flight keeps the process alive (as a pending fs call would); an idle thread does not.
      if (this.inFlight.size === 0) worker.ref();
      this.inFlight.set(id, { resolve, reject });
      // An exact copy, moved rather than cloned: a small Buffer is a view on an 8 KiB pool, which
      // postMessage would otherwise copy whole.
      const data = new Uint8Array(batch.data.byteLength);
      data.set(batch.data);
      worker.postMessage({ id, owner, ...batch, data }, [data.buffer]);
    });
  }

  release(owner: number): void {
    this.worker?.postMessage({ release: owner });
  }
}

const pool: WriterThread[] = [];
let owners = 0;

/** A queue's handle on its writer thread; `close` releases the directory descriptors kept for it. */
export class SyncWriter {
  private readonly owner = owners++;
  private readonly thread: WriterThread;

  constructor() {
    const slot = this.owner % POOL_SIZE;
    pool[slot] ??= new WriterThread();
    this.thread = pool[slot]!;
  }

  write(batch: DurableBatch): Promise<void> {
    return this.thread.write(this.owner, batch);
  }

  close(): void {
    this.thread.release(this.owner);
  }
}
