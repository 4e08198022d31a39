// Type test, checked by `tsc -p packages/http` (typecheck in CI), not run by vitest: route schemas
// type ctx.valid. Each @ts-expect-error fails the typecheck if the types stop doing their job.
import { z } from '@ody/core';
import { HttpRouter } from './router.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_: T): void {}

const router = new HttpRouter();
const Note = z.object({ title: z.string(), tags: z.array(z.string()).default([]) });

router.post('/notes/:id', { body: Note, params: z.object({ id: z.coerce.number() }), query: z.object({ dry: z.enum(['yes', 'no']) }) }, (c) => {
  assertType<Equal<typeof c.valid.body, { title: string; tags: string[] }>>(true);
  assertType<Equal<typeof c.valid.params, { id: number }>>(true);
  assertType<Equal<typeof c.valid.query, { dry: 'yes' | 'no' }>>(true);
  assertType<Equal<typeof c.valid.headers, unknown>>(true);
  // @ts-expect-error: title is a string, not a number
  const n: number = c.valid.body.title;
  // @ts-expect-error: no such field in the schema
  void c.valid.body.missing;
  return { n };
});

router.get('/plain', (c) => {
  assertType<Equal<typeof c.valid.body, unknown>>(true);
  return 'ok';
});
