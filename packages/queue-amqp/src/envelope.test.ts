import { describe, expect, it } from 'vitest';
import { readJob, STATE_HEADER } from './envelope.js';

describe('readJob', () => {
  it.each([
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['an empty object', '{}'],
    ['fields of the wrong type', '{"attempts":"many","attemptsMade":0,"stalls":0,"timeout":0,"createdAt":0,"priority":0,"runAt":0,"errors":"none","backoff":7}'],
  ])('a state header holding %s reads as corrupt instead of throwing later', (_, header) => {
    const job = readJob({ messageId: 'm1', type: 'n', headers: { [STATE_HEADER]: header }, body: 'x', priority: 0 });
    expect(job.corrupt).toMatch(/no readable 'x-ody' header/);
    expect(job.state).toMatchObject({ attempts: 1, attemptsMade: 0, stalls: 0, errors: [] });
  });
});
