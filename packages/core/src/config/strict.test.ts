import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApplication } from '../app/application.js';
import type { ConfigIssue } from './resolve.js';
import { OdyError } from '../errors.js';
import { definePlugin } from '../plugin/define.js';
import { didYouMean, levenshtein } from './suggest.js';

const silent = { destination: { write() {} } };
const httpLike = definePlugin({
  name: 'http',
  configSchema: z.object({
    port: z.number().default(3000),
    host: z.string().default('127.0.0.1'),
    limits: z.object({ maxBodyBytes: z.number().default(1024) }).default({ maxBodyBytes: 1024 }),
  }),
});

async function failure(options: Parameters<typeof createApplication>[0]): Promise<OdyError> {
  const err = await createApplication({ envFile: false, env: {}, logger: silent, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!OdyError.is(err)) throw new Error(`expected an OdyError, got ${String(err)}`);
  return err;
}

const issuesOf = (err: OdyError) => err.details.issues as ConfigIssue[];

describe('strict config', () => {
  it("an unknown key fails start with a did-you-mean (http: { prot: 3000 } was silently stripped)", async () => {
    const err = await failure({ plugins: [httpLike], config: { http: { prot: 3000 } } });
    expect(err.code).toBe('ODY_CONFIG_INVALID');
    expect(issuesOf(err)).toEqual([
      expect.objectContaining({ path: 'http.prot', value: 3000, message: expect.stringContaining("did you mean 'port'?") }),
    ]);
  });

  it('unknown nested keys are caught too', async () => {
    const err = await failure({ plugins: [httpLike], config: { http: { limits: { maxBodyByte: 1 } } } });
    expect(issuesOf(err)[0]).toMatchObject({ path: 'http.limits.maxBodyByte', message: expect.stringContaining("'maxBodyBytes'") });
  });

  it('an unknown ODY_<PLUGIN>_* env name fails start with a did-you-mean (ODY_HTTP_PROT=1 was ignored)', async () => {
    const err = await failure({ plugins: [httpLike], env: { ODY_HTTP_PROT: '1', ODY_HTTP_LIMITS_MAX_BODY_BYTES: '5', ODY_OTHER_THING: 'x' } });
    expect(issuesOf(err)).toEqual([
      expect.objectContaining({ path: 'env ODY_HTTP_PROT', env: 'ODY_HTTP_PROT', message: expect.stringContaining('did you mean ODY_HTTP_PORT?') }),
    ]);
  });

  it('keys inside a whole-object env value are checked too', async () => {
    const err = await failure({ plugins: [httpLike], env: { ODY_HTTP_LIMITS: '{"maxBodyBytes":1,"maxBody":2}' } });
    expect(issuesOf(err).map((i) => i.path)).toEqual(['http.limits.maxBody']);
  });

  it('one ODY_CONFIG_INVALID lists unknown keys, unknown env names and bad values together', async () => {
    const err = await failure({
      plugins: [httpLike],
      config: { http: { prot: 1, host: 5 } },
      env: { ODY_APP_LOG_LEVL: 'debug' },
    });
    expect(issuesOf(err).map((i) => i.path).sort()).toEqual(['env ODY_APP_LOG_LEVL', 'http.host', 'http.prot']);
    expect(err.message).toContain('3 problems');
    expect(err.message).toContain('did you mean ODY_APP_LOG_LEVEL?');
  });

  it('pass-through: passthroughKeys and z.looseObject accept extra keys; internalEnv names are not reported', async () => {
    const driverLike = definePlugin({
      name: 'queue',
      configSchema: z.object({ concurrency: z.number().default(1) }),
      passthroughKeys: ['url'],
      internalEnv: ['ODY_QUEUE_CHILD_SLOT'],
    });
    const anyKey = definePlugin({ name: 'jobs', configSchema: z.object({}), passthroughKeys: true });
    const loose = definePlugin({ name: 'loose', configSchema: z.looseObject({ a: z.number().default(1) }) });
    const app = await createApplication({
      envFile: false,
      logger: silent,
      env: { ODY_QUEUE_CHILD_SLOT: '2' },
      plugins: [driverLike, anyKey, loose],
      config: { queue: { url: 'redis://x' }, jobs: { whatever: 1 }, loose: { extra: true } },
    });
    expect(app.configOf('loose')).toEqual({ a: 1, extra: true });
    const err = await failure({ plugins: [driverLike], config: { queue: { url: 'x', concurency: 2 } } });
    expect(issuesOf(err).map((i) => i.path)).toEqual(['queue.concurency']);
  });

  it('an env name a plugin sets for its children but does not declare in internalEnv fails start', async () => {
    // No central whitelist: @ody/http declares ODY_HTTP_WORKER_SLOT itself; an http plugin that does not fails.
    const err = await failure({ plugins: [httpLike], env: { ODY_HTTP_WORKER_SLOT: '1', ODY_PROCESS_NAME: 'x' } });
    expect(err.code).toBe('ODY_CONFIG_INVALID');
    expect(issuesOf(err).map((i) => i.path)).toEqual(['env ODY_HTTP_WORKER_SLOT']);
    const declared = definePlugin({ name: 'http', configSchema: z.object({ port: z.number().default(3000) }), internalEnv: ['ODY_HTTP_WORKER_SLOT'] });
    await expect(createApplication({ envFile: false, logger: silent, env: { ODY_HTTP_WORKER_SLOT: '1' }, plugins: [declared] })).resolves.toBeDefined();
  });

  it('an unknown section suggests the closest plugin name', async () => {
    const err = await failure({ plugins: [httpLike], config: { htpp: {} } });
    expect(err.code).toBe('ODY_CONFIG_UNKNOWN_SECTION');
    expect(err.message).toContain("did you mean 'http'?");
  });
});

describe('did you mean', () => {
  it('levenshtein counts edits', () => {
    expect(levenshtein('prot', 'port')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
  it('suggests only close candidates', () => {
    expect(didYouMean('prot', ['port', 'host'])).toBe('port');
    expect(didYouMean('completelyDifferent', ['port', 'host'])).toBeUndefined();
  });
});
