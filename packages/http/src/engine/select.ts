import { HttpServerError } from '../errors.js';
import { nodeEngine } from './node/engine.js';
import type { EngineChoice, HttpEngine } from './types.js';
import { loadUws, platformInfo, uwsEngine } from './uws.js';

const choices: readonly EngineChoice[] = ['auto', 'uws', 'node'];

/** The engine asked for: `ODY_HTTP_ENGINE` wins over config (defaults < code < config < env). */
export function engineChoice(configured: EngineChoice | undefined): EngineChoice {
  const env = process.env.ODY_HTTP_ENGINE;
  if (env === undefined || env === '') return configured ?? 'auto';
  if (!(choices as readonly string[]).includes(env)) {
    throw new HttpServerError('ODY_HTTP_ENGINE_UNAVAILABLE', `ODY_HTTP_ENGINE='${env}' is not an engine; use one of ${choices.join(', ')}.`, {
      details: { value: env },
    });
  }
  return env as EngineChoice;
}

/**
 * Pick the engine. `auto`: uws when its native binary loads, else node. `uws` when the binary
 * cannot load: a typed error naming the Node ABI and glibc found and what to do. The uWS JS
 * fallback shim is never used.
 */
export function resolveEngine(choice: EngineChoice = 'auto'): HttpEngine {
  if (choice === 'node') return nodeEngine('http.engine is "node"');
  const load = loadUws();
  if (load.ok) return uwsEngine(load.uws, choice === 'uws' ? 'http.engine is "uws"' : 'auto: the uWebSockets.js native binary loaded');
  const p = platformInfo();
  if (choice === 'uws') {
    throw new HttpServerError(
      'ODY_HTTP_ENGINE_UNAVAILABLE',
      `http.engine is "uws" but the uWebSockets.js native binary did not load on Node ${p.node} (ABI ${p.abi}, ${p.platform}, glibc ${p.glibc}): ${load.error}. ` +
        'The bundled build has binaries for Node 16/18/20 (ABI <= 115) on glibc >= 2.27. Run on Node 20, point the "uWebSockets.js" dependency at a build for your Node/glibc, or set http.engine to "auto" or "node".',
      { details: { ...p, binary: load.file, loadError: load.error } },
    );
  }
  return nodeEngine(`auto: the uWebSockets.js native binary did not load on Node ${p.node} (ABI ${p.abi}, glibc ${p.glibc}): ${load.error}`);
}
