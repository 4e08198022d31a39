import uWS from 'uWebSockets.js';
import { WebSocketError } from '../errors.js';

/** True when uWebSockets.js loaded its native binary (not the slow JS fallback shim). */
export function isNativeUws(): boolean {
  return typeof uWS.App === 'function' && Function.prototype.toString.call(uWS.App).includes('[native code]');
}

/** Throws ODY_WS_NATIVE_MISSING when uWebSockets.js runs on its JS fallback. */
export function assertNativeUws(): void {
  if (!isNativeUws()) {
    throw new WebSocketError(
      'ODY_WS_NATIVE_MISSING',
      'uWebSockets.js could not load its native binary and fell back to a slow JS shim; use Node 20 on glibc >= 2.27 (linux x64/arm64, darwin, win32) or point the alias at a build for your platform',
    );
  }
}
