import type * as UwsModule from 'uWebSockets.js';
import type { TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EngineApp, HttpEngine, ListenHandle } from './types.js';

type Uws = typeof UwsModule;
const require_ = createRequire(import.meta.url);

/** Outcome of loading the uWS native binary (never the package's JS fallback shim). */
export type UwsLoad = { ok: true; uws: Uws } | { ok: false; error: string; file: string };
let cached: UwsLoad | undefined;

/** The Node ABI and glibc of this process, for messages about the native binary. */
export function platformInfo(): { abi: string; glibc: string; node: string; platform: string } {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return {
    abi: process.versions.modules,
    glibc: header?.glibcVersionRuntime ?? 'none (not glibc)',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * Load the uWebSockets.js native binary directly. The package's own entry silently falls back to
 * a slow JS shim when the binary cannot load; requiring the binary file avoids that shim entirely.
 */
export function loadUws(): UwsLoad {
  if (cached !== undefined) return cached;
  let file = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  try {
    const dir = dirname(require_.resolve('uWebSockets.js'));
    file = join(dir, '..', 'binaries', file);
    const uws = require_(file) as Uws;
    cached = typeof uws.App === 'function' ? { ok: true, uws } : { ok: false, error: 'the binary has no App export', file };
  } catch (e) {
    cached = { ok: false, error: e instanceof Error ? e.message.split('\n')[0]! : String(e), file };
  }
  return cached;
}

/** The uws engine: the uWS app is the EngineApp itself, so the hot path has no wrapper. */
export function uwsEngine(uws: Uws, reason: string): HttpEngine {
  return {
    name: 'uws',
    reason,
    stringWire: false,
    createApp: () => uws.App() as unknown as EngineApp,
    listen(app, host, port) {
      return new Promise<ListenHandle | false>((resolve) => {
        (app as unknown as TemplatedApp).listen(host, port, (socket: us_listen_socket | false) => {
          if (!socket) return resolve(false);
          let open = true;
          resolve({
            port: uws.us_socket_local_port(socket),
            close() {
              if (open) uws.us_listen_socket_close(socket);
              open = false;
            },
          });
        });
      });
    },
    closeApp(app) {
      (app as unknown as { close?: () => void }).close?.();
    },
  };
}
