// Type test (checked by tsc in `npm run typecheck`; vitest runs the assertions too): a task module's
// types reach `app.get(taskPoolOf<typeof module>())`. Each @ts-expect-error fails the typecheck if the
// types stop doing their job.
import { createApplication } from '@ody/core';
import { describe, expectTypeOf, it } from 'vitest';
import { TaskPool, taskPoolOf } from './tokens.js';
import { defineTasks } from './worker.js';

const tasks = defineTasks({ countPrimes: (limit: number) => limit * 2, greet: async (p: { name: string }) => `hi ${p.name}` });

describe('taskPoolOf', () => {
  it('types run() by the module: names, payloads and results', async () => {
    const app = await createApplication({ plugins: [] });
    const typed = () => app.get(taskPoolOf<typeof tasks>());
    expectTypeOf(() => typed().run('countPrimes', 5)).returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf(() => typed().run('greet', { name: 'a' })).returns.toEqualTypeOf<Promise<string>>();
    // @ts-expect-error: no such task
    expectTypeOf(() => typed().run('missing', 1));
    // @ts-expect-error: countPrimes takes a number
    expectTypeOf(() => typed().run('countPrimes', 'five'));
    // The untyped token resolves unknown: a caller has to say what it expects.
    expectTypeOf(() => app.get(TaskPool).run('countPrimes', 5)).returns.toEqualTypeOf<Promise<unknown>>();
    // Same binding: the typed token is the TaskPool symbol.
    expectTypeOf(taskPoolOf<typeof tasks>()).toMatchTypeOf<symbol>();
    if ((taskPoolOf<typeof tasks>() as symbol) !== (TaskPool as symbol)) throw new Error('taskPoolOf must return the TaskPool token');
  });
});
