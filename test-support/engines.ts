// Run one integration suite on every HTTP engine this Node can run: `uws` (when the uWebSockets.js
// binary loads) and `node`. The engine is chosen through ODY_HTTP_ENGINE, which wins over config,
// so servers, plugins and the child processes a test starts all run the engine of the block.
import { afterAll, beforeAll, describe } from 'vitest';
import { type EngineName, resolveEngine } from '../packages/http/src/index.js';

/** Engines to test: ODY_HTTP_ENGINE's alone when set, else every engine that can run here. */
export function testEngines(): EngineName[] {
  const forced = process.env.ODY_HTTP_ENGINE;
  if (forced === 'uws' || forced === 'node') return [forced];
  let uws = false;
  try {
    uws = resolveEngine('auto').name === 'uws';
  } catch {
    uws = false;
  }
  if (!uws) console.log(`[engines] uWebSockets.js binary does not load on Node ${process.version}: running the node engine only`);
  return uws ? ['uws', 'node'] : ['node'];
}

/** `describe.each` over the engines: `fn` registers the suite's describes/tests for one engine. */
export function describeEngines(fn: (engine: EngineName) => void): void {
  describe.each(testEngines())('%s engine', (engine) => {
    let previous: string | undefined;
    beforeAll(() => {
      previous = process.env.ODY_HTTP_ENGINE;
      process.env.ODY_HTTP_ENGINE = engine;
    });
    afterAll(() => {
      if (previous === undefined) delete process.env.ODY_HTTP_ENGINE;
      else process.env.ODY_HTTP_ENGINE = previous;
    });
    fn(engine);
  });
}
