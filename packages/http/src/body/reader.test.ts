import { OdyError } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { BodyReader } from './reader.js';

describe('BodyReader', () => {
  it('a body read as a stream cannot be read whole as well: ODY_HTTP_BODY_CONSUMED', async () => {
    const reader = new BodyReader(1024);
    reader.stream();
    const err = await reader.buffer().catch((e: unknown) => e);
    expect(OdyError.is(err, 'ODY_HTTP_BODY_CONSUMED')).toBe(true);
  });
});
