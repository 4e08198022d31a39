// Property-based fuzz (fast-check) of the client-message parser: whatever a client sends, the parser
// returns a documented message or throws FrameError (ODY_WS_MALFORMED_FRAME), and what it returns
// can be serialised again for the broadcast. Seed and run count: test-support/fuzz.ts.
import { OdyError } from '@ody/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams } from '../../../../test-support/fuzz.js';
import { FrameError, parseClientMessage } from './parse.js';

/** Parse, and check the outcome: a message that serialises again, or a FrameError. */
function outcome(raw: string | Uint8Array): 'ok' | 'malformed' {
  let msg: ReturnType<typeof parseClientMessage>;
  try {
    msg = parseClientMessage(raw);
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(FrameError);
    expect(OdyError.is(err, 'ODY_WS_MALFORMED_FRAME')).toBe(true);
    return 'malformed';
  }
  expect(['ping', 'subscribe', 'unsubscribe', 'publish', 'whisper']).toContain(msg.type);
  // The server re-serialises `data` into the frame it broadcasts: that must not throw.
  expect(() => JSON.stringify(msg)).not.toThrow();
  return 'ok';
}

const type = fc.constantFrom('ping', 'subscribe', 'unsubscribe', 'publish', 'whisper', 'other', '', '__proto__');
const fieldValue = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.double(), fc.constant(null), fc.boolean(), fc.array(fc.nat(), { maxLength: 2 }), fc.string({ minLength: 190, maxLength: 210 }));
const messageLike = fc.record(
  {
    type,
    channel: fieldValue,
    event: fc.oneof(fieldValue, fc.constantFrom('ack', 'error', 'connected', 'pong', 'typing')),
    id: fc.oneof(fieldValue, fc.string({ minLength: 60, maxLength: 70 })),
    data: fc.jsonValue({ maxDepth: 4 }),
    __proto__: fc.constant({ polluted: true }),
  },
  { requiredKeys: [] },
);

describe('parseClientMessage fuzz', () => {
  it('message-shaped JSON: a documented message or ODY_WS_MALFORMED_FRAME, from text and from bytes', () => {
    const seen = { ok: 0, malformed: 0 };
    fc.assert(
      fc.property(messageLike, (value) => {
        const text = JSON.stringify(value);
        const a = outcome(text);
        expect(outcome(new TextEncoder().encode(text))).toBe(a);
        seen[a]++;
      }),
      fuzzParams(500),
    );
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.malformed).toBeGreaterThan(10);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('arbitrary text and bytes (invalid UTF-8 included) never throw anything but FrameError', () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 40, unit: 'binary' }).map((s) => new TextEncoder().encode(s)));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40, unit: 'binary' }), bytes, fc.json({ maxDepth: 3 })), (raw) => {
        outcome(raw);
      }),
      fuzzParams(500),
    );
  });

  it('deeply nested data within maxPayload is rejected as malformed, not re-serialised into a RangeError', () => {
    // 64 KiB (the default maxPayload) holds 30,000 levels of `[`: JSON.parse accepts them, but
    // JSON.stringify of the broadcast frame overflows the stack.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30_000 }), fc.constantFrom('[', '{"a":'), fc.constantFrom('publish', 'whisper'), (depth, open, t) => {
        const close = open === '[' ? ']' : '}';
        const text = `{"type":"${t}","channel":"private-a","event":"e","data":${open.repeat(depth)}1${close.repeat(depth)}}`;
        const result = outcome(text);
        // Bounded like the HTTP body parser: 64 levels of nesting (the message object itself counts).
        expect(result).toBe(depth + 1 > 64 ? 'malformed' : 'ok');
      }),
      fuzzParams(120, { examples: [[5000, '[', 'publish'], [63, '[', 'publish'], [64, '{"a":', 'whisper']] }),
    );
  });
});
