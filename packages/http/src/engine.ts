import type * as UwsModule from 'uWebSockets.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Which uWS implementation loaded: the native binary, or the package's slow JS fallback shim. */
export type Engine = 'native' | 'fallback';

/** The loaded uWS module and what it is. */
export interface EngineInfo {
  readonly uws: typeof UwsModule;
  readonly engine: Engine;
  /** Why the native binary did not load (only for 'fallback'). */
  readonly loadError?: string;
}

const require_ = createRequire(import.meta.url);
let cached: EngineInfo | undefined;

function isNative(fn: unknown): boolean {
  return typeof fn === 'function' && /\{\s*\[native code\]\s*\}/.test(Function.prototype.toString.call(fn));
}

function nativeLoadError(): string {
  if (process.env.UWS_USE_FALLBACK && /^(true|1)$/i.test(process.env.UWS_USE_FALLBACK)) {
    return 'UWS_USE_FALLBACK is set in the environment';
  }
  try {
    const dir = dirname(require_.resolve('uWebSockets.js'));
    const file = join(dir, '..', 'binaries', `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
    require_(file);
    return 'unknown (the binary loads when required directly)';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Load `uWebSockets.js` once and tell whether its native binary is in use. The package silently
 * falls back to a JS shim when the binary cannot load; callers log a loud warning in that case.
 */
export function loadEngine(): EngineInfo {
  if (cached !== undefined) return cached;
  const uws = require_('uWebSockets.js') as typeof UwsModule;
  cached = isNative(uws.App) ? { uws, engine: 'native' } : { uws, engine: 'fallback', loadError: nativeLoadError() };
  return cached;
}
