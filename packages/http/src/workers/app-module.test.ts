import { OdyError } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { buildAppFrom } from './app-module.js';

describe('buildAppFrom', () => {
  it('a module without createApp() or a default factory throws ODY_HTTP_WORKER_MODULE_INVALID', async () => {
    const module = new URL('../fixtures/not-an-app.ts', import.meta.url).href;
    const err = await buildAppFrom(module).catch((e: unknown) => e);
    expect(OdyError.is(err, 'ODY_HTTP_WORKER_MODULE_INVALID')).toBe(true);
    expect((err as OdyError).details).toEqual({ module });
  });
});
