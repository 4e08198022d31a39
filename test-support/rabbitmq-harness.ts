/**
 * Shared RabbitMQ harness for vitest. Import from a test with a relative path, e.g.
 * `import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js'`.
 *
 * Source of the broker, in order: `AMQP_URL`; else a broker answering on 127.0.0.1:5672; else a private
 * `rabbitmq-server` started from the installed binaries (own node name, ports and dirs); else the suite
 * is skipped with a visible `[rabbitmq] skipped: …` line — except under `CI=true` or
 * `ODY_REQUIRE_RABBITMQ=1`, where it fails. Each suite gets its own vhost (management API if it
 * answers, else `rabbitmqctl add_vhost`), deleted afterwards; without either, a unique name prefix. A
 * private broker (`{ private: true }`, or one started because none answered) is the suite's alone and
 * uses its default vhost.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe } from 'vitest';
import { findRabbitCtl, type RabbitSource, rabbitRequired, rabbitSource, SpawnedRabbit } from './rabbitmq-server.js';
import { describeMissing } from './missing-server.js';

export * from './rabbitmq-server.js';

const run = promisify(execFile);

/** What a suite gets: a URL on its own vhost, a unique prefix, and the private broker when it asked for one. */
export interface RabbitHandle {
  readonly url: string;
  readonly prefix: string;
  readonly vhost: string | undefined;
  /** The private broker (only with `{ private: true }`, or when the harness had to start one). */
  readonly server: SpawnedRabbit | undefined;
  /** The management API URL (only with `{ management: true }`). */
  readonly managementUrl: string | undefined;
}

/** Options of `describeWithRabbit`. */
export interface RabbitOptions {
  /** The suite kills or reconfigures the broker: it needs its own rabbitmq-server. */
  private?: boolean;
  /** The suite needs the management API: a private broker with the rabbitmq_management plugin. */
  management?: boolean;
}

async function managementVhost(base: URL, vhost: string, method: 'PUT' | 'DELETE'): Promise<boolean> {
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(base.username || 'guest')}:${decodeURIComponent(base.password || 'guest')}`).toString('base64')}`;
  const api = `http://${base.hostname}:15672/api`;
  try {
    const res = await fetch(`${api}/vhosts/${encodeURIComponent(vhost)}`, { method, headers: { authorization: auth }, signal: AbortSignal.timeout(3000) });
    if (!res.ok) return false;
    if (method === 'PUT') {
      const user = decodeURIComponent(base.username || 'guest');
      const perm = await fetch(`${api}/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(user)}`, {
        method: 'PUT',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ configure: '.*', write: '.*', read: '.*' }),
        signal: AbortSignal.timeout(3000),
      });
      return perm.ok;
    }
    return true;
  } catch {
    return false;
  }
}

type Ctl = (...args: string[]) => Promise<unknown>;

/** Create a vhost for the suite; returns how to delete it, or undefined when no way was available. */
async function createVhost(url: string, vhost: string, ctl: Ctl | undefined): Promise<(() => Promise<void>) | undefined> {
  const base = new URL(url);
  if (await managementVhost(base, vhost, 'PUT')) return async () => void (await managementVhost(base, vhost, 'DELETE'));
  if (ctl === undefined) return undefined;
  try {
    await ctl('add_vhost', vhost);
    await ctl('set_permissions', '-p', vhost, decodeURIComponent(base.username || 'guest'), '.*', '.*', '.*');
    return async () => void (await ctl('delete_vhost', vhost).catch(() => undefined));
  } catch {
    return undefined;
  }
}

function withVhost(url: string, vhost: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(vhost)}`;
  return u.toString();
}

/** Registers beforeAll/afterAll hooks that provide a broker per the source; fields are valid inside tests. */
export function useRabbit(source: Exclude<RabbitSource, { mode: 'none' }>, options: RabbitOptions = {}): RabbitHandle {
  let state: { url: string; prefix: string; vhost?: string; server?: SpawnedRabbit; cleanup?: () => Promise<void> } | undefined;
  beforeAll(async () => {
    const id = randomBytes(4).toString('hex');
    const prefix = `t${id}`;
    const vhost = `ody-test-${id}`;
    if (source.mode === 'spawn') {
      // The broker is the suite's own: nothing else uses it, so it needs no vhost of its own (and the
      // management API on :15672, if any, belongs to another broker). rabbitmqctl would cost an Erlang VM
      // boot per call, and it can hang on a loaded machine.
      state = { url: '', prefix, server: await SpawnedRabbit.start(source.binary, 90_000, { management: options.management === true }) };
      state.url = state.server!.url;
      return;
    }
    const ctlBin = source.mode === 'local' ? findRabbitCtl() : undefined;
    const ctl: Ctl | undefined = ctlBin ? (...a) => run(ctlBin, a, { timeout: 60_000 }) : undefined;
    const cleanup = await createVhost(source.url, vhost, ctl);
    state = cleanup ? { url: withVhost(source.url, vhost), prefix, vhost, cleanup } : { url: source.url, prefix };
  }, 120_000);
  afterAll(async () => {
    await state?.cleanup?.();
    await state?.server?.stop();
    state = undefined;
  }, 60_000);
  const current = () => {
    if (!state) throw new Error('[rabbitmq] handle used outside a test (before beforeAll or after afterAll)');
    return state;
  };
  return {
    get url() { return current().url; },
    get prefix() { return current().prefix; },
    get vhost() { return current().vhost; },
    get server() { return current().server; },
    get managementUrl() { return current().server?.managementUrl; },
  };
}

/**
 * `describe` whose body gets a RabbitMQ. Without one: a visible skip line and a skipped suite, or — under
 * CI=true / ODY_REQUIRE_RABBITMQ=1 — one failing test that says what is missing.
 * @example
 * describeWithRabbit('amqp driver', (rabbit) => {
 *   it('pushes', async () => { const driver = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix }); ... });
 * });
 */
export function describeWithRabbit(name: string, fn: (rabbit: RabbitHandle) => void, options: RabbitOptions = {}): void {
  const source = rabbitSource(options);
  if (source.mode === 'none') {
    describeMissing({ tag: 'rabbitmq', what: 'RabbitMQ', requireVar: 'ODY_REQUIRE_RABBITMQ', required: rabbitRequired() }, name, source.reason);
    return;
  }
  describe(name, () => fn(useRabbit(source, options)));
}
