import { describe } from 'vitest';
import { asyncCommandCases } from '../../test/async-cases.js';
import { backends } from '../../test/harness.js';

describe.each(backends)('async commands on the %s driver', (_name, makeBackend) => {
  asyncCommandCases(makeBackend);
});
