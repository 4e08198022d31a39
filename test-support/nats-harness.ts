/**
 * Shared NATS (JetStream) harness for vitest. Import from a test with a relative path, e.g.
 * `import { describeWithNats } from '../../../test-support/nats-harness.js'`.
 *
 * Source of NATS, in order: `NATS_URL`; else a server answering on 127.0.0.1:4222; else a
 * `nats-server -js` spawned from the installed binary on a free port with a temp store dir; else the
 * suite is skipped with a visible `[nats] skipped: …` line — except under `CI=true` or
 * `ODY_REQUIRE_NATS=1`, where it fails. `{ private: true }` (the suite kills or restarts the
 * server) always spawns its own instance.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { deleteStreamsWithPrefix, findNatsServer, type NatsHandle, type NatsSource, natsRequired, natsSource, startNats } from './nats-server.js';
import { describeMissing } from './missing-server.js';

export * from './nats-server.js';

/** The shared source, decided once per test file (top-level await: the port probe is async). */
const shared = await natsSource();

/**
 * `describe` whose body gets a NATS handle (fields readable inside tests). Streams under the handle's
 * prefix are deleted afterwards. Without NATS: a visible skip line and a skipped suite, or — under
 * CI=true / ODY_REQUIRE_NATS=1 — one failing test that says what is missing.
 * @example
 * describeWithNats('nats driver', (nats) => {
 *   it('pushes', async () => { const d = natsDriver({ servers: nats.url, prefix: nats.prefix }); ... });
 * });
 */
export function describeWithNats(name: string, fn: (nats: NatsHandle) => void, options: { private?: boolean } = {}): void {
  const source: NatsSource = options.private
    ? (() => {
        const binary = findNatsServer();
        return binary ? { mode: 'spawn', binary } : { mode: 'none', reason: 'this suite kills or restarts the server, which needs a local nats-server binary (apt-get install nats-server)' };
      })()
    : shared;
  if (source.mode === 'none') {
    describeMissing({ tag: 'nats', what: 'NATS', requireVar: 'ODY_REQUIRE_NATS', required: natsRequired() }, name, source.reason);
    return;
  }
  describe(name, () => {
    let handle: NatsHandle | undefined;
    beforeAll(async () => {
      handle = await startNats(options);
    }, 30_000);
    afterAll(async () => {
      if (handle === undefined) return;
      if (handle.server === undefined) await deleteStreamsWithPrefix(handle.url, handle.prefix).catch(() => {});
      await handle.stop();
      handle = undefined;
    }, 30_000);
    const current = (): NatsHandle => {
      if (handle === undefined) throw new Error('[nats] handle used outside a test (before beforeAll or after afterAll)');
      return handle;
    };
    fn({
      get url() { return current().url; },
      get prefix() { return current().prefix; },
      get server() { return current().server; },
      stop: () => current().stop(),
    });
  });
}
