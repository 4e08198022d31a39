import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WORKER_ENV } from './env.js';
import { entryFile, type Launcher, needsTsx, resolveHere } from './launch.js';
import type { WorkerListen } from './role.js';

/** `--import <tsx loader>` by absolute URL, so the child finds tsx whatever its cwd. */
function tsxImport(): string[] {
  const loader = join(dirname(resolveHere('tsx/package.json')), 'dist', 'loader.mjs');
  return ['--import', pathToFileURL(loader).href];
}

/** A passed socket's native handle: node closes it once the child acknowledges receipt. */
type NativeHandle = { close(): void };

/**
 * The handles of the last connections passed to one child. Node closes a passed handle only when
 * the child acknowledges it, so a child that dies with handles in flight would leave those clients
 * hanging: they are closed when it exits (closing an already closed handle is a no-op).
 */
class RecentHandles {
  private readonly ring: Array<NativeHandle | undefined> = new Array(1024);
  private next = 0;
  track(socket: unknown): void {
    const h = (socket as { _handle?: NativeHandle })._handle;
    if (h) this.ring[this.next++ % this.ring.length] = h;
  }
  closeAll(): void {
    for (const h of this.ring.splice(0)) {
      try {
        h?.close();
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Child processes (child_process.fork of process-entry), each importing the app module and
 * building its own Application; all bind the one port through SO_REUSEPORT. A child exits when
 * the IPC channel to this process disconnects, so a SIGKILLed parent leaves no orphans.
 */
export function processLauncher(module: string, options: { execArgv?: string[]; stopTimeoutMs: number; listen?: WorkerListen }): Launcher {
  const entry = entryFile('process-entry');
  const execArgv = options.execArgv ?? (needsTsx(module, entry.ts) ? tsxImport() : []);
  return (slot, events) => {
    const child: ChildProcess = fork(fileURLToPath(entry.file), [], {
      execArgv,
      env: {
        ...process.env,
        [WORKER_ENV.module]: module,
        [WORKER_ENV.slot]: String(slot),
        [WORKER_ENV.stopMs]: String(options.stopTimeoutMs),
        ...(options.listen ? { [WORKER_ENV.listen]: options.listen } : {}),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const recent = new RecentHandles();
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        recent.closeAll();
        events.exit(code, signal);
        resolve();
      });
    });
    child.on('message', (m: { type?: string; error?: string }) => {
      if (m?.type === 'ready') events.ready();
      else if (m?.type === 'failed') events.failed(m.error ?? 'worker process failed to start');
    });
    child.on('error', () => undefined); // e.g. signalling a child that is already gone; 'exit' follows
    const signal = (s: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(s);
    };
    return {
      threadId: 0,
      pid: child.pid ?? 0,
      stop: () => signal('SIGTERM'),
      kill: () => signal('SIGKILL'),
      exited,
      sendConnection(message, socket) {
        if (!child.connected) return false;
        recent.track(socket);
        // A send that fails (the child just died) must not leave the client hanging on a socket nobody owns.
        return child.send(message as object, socket, { keepOpen: false }, (err) => {
          if (err) socket.destroy();
        });
      },
    };
  };
}
