import { describe } from 'vitest';
import { asyncCommandCases } from '../test-support/async-cases.js';
import { backends } from '../test-support/harness.js';

describe.each(backends)('async commands on the %s driver', (_name, makeBackend) => {
  asyncCommandCases(makeBackend);
});
