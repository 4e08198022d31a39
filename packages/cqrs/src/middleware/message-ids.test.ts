import { describe, expect, it } from 'vitest';
import { messageId } from './message-ids.js';

describe('messageId', () => {
  it('is UUID-shaped and never repeats', () => {
    const ids = Array.from({ length: 70_000 }, messageId);
    for (const id of [ids[0]!, ids[255]!, ids[256]!, ids[65_536]!]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[1]!.slice(0, 28)).toBe(ids[0]!.slice(0, 28));
  });
});
