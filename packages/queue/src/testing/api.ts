import type * as vitest from 'vitest';

/**
 * The test functions the suite registers with. Pass vitest's module (`import * as vitest from 'vitest'`):
 * the suite never imports vitest itself, so `@ody/queue/testing` loads outside a test runner too.
 */
export type TestApi = Pick<typeof vitest, 'describe' | 'it' | 'expect' | 'beforeEach' | 'afterEach'>;
