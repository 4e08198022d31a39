import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds } from './json-depth.js';

describe('jsonDepthExceeds', () => {
  it('counts array and object nesting', () => {
    expect(jsonDepthExceeds('[[[1]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[1]]]', 2)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[]}}', 2)).toBe(true);
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds('["[[[[\\"[[[["]', 1)).toBe(false);
  });

  it('stops at the first level past the limit of a huge input', () => {
    expect(jsonDepthExceeds(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 64)).toBe(true);
  });
});
