import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes, WebSocketError } from './errors.js';

describe('errors', () => {
  it('docs/errors.md lists exactly the codes in errorCodes', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| (ODY_[A-Z_]+) \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(errorCodes).sort());
  });

  it('is an OdyError with its code', () => {
    const err = new WebSocketError('ODY_WS_FORBIDDEN', 'no');
    expect(err.code).toBe('ODY_WS_FORBIDDEN');
    expect(err.name).toBe('WebSocketError');
  });
});
