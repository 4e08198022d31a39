import { describe, expect, it } from 'vitest';
import { encodeQueue, idToken, levelOf, levelToken, queueNames } from './names.js';
import { resolveOptions } from './options.js';
import { parseAck } from './pull.js';

describe('names', () => {
  it('keeps plain queue names and hex-encodes the others so they never collide', () => {
    expect(encodeQueue('emails-1')).toBe('emails-1');
    expect(encodeQueue('a.b')).toBe(`_${Buffer.from('a.b').toString('hex')}`);
    expect(encodeQueue('_x')).not.toBe('_x');
    expect(encodeQueue('a b')).toMatch(/^_[0-9a-f]+$/);
  });

  it('builds stream names that cannot collide between the work and failed streams', () => {
    const n = queueNames('ody', 'emails');
    expect(n).toMatchObject({ stream: 'ody_q_emails', failedStream: 'ody_f_emails', readyAll: 'ody.emails.r.*', delayed: 'ody.emails.d' });
  });

  it('round-trips priority levels through subject tokens and rejects other tokens', () => {
    for (const p of [0, 1, 10, -5, 999999, -999999]) expect(levelOf(levelToken(p))).toBe(p);
    expect(levelToken(-5)).toBe('n5');
    expect(levelOf('x1')).toBeNaN();
  });

  it('makes job ids safe subject tokens', () => {
    expect(idToken('a.b*>c d')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('options', () => {
  it('fills defaults and reads NATS_URL-style comma lists', () => {
    const o = resolveOptions({ servers: 'nats://a:1, nats://b:2' });
    expect(o.servers).toEqual(['nats://a:1', 'nats://b:2']);
    expect(o).toMatchObject({ prefix: 'ody', ackWaitMs: 30_000, duplicateWindowMs: 120_000, pushTimeoutMs: 10_000, storage: 'file' });
  });

  it('rejects bad options with ODY_QUEUE_OPTIONS_INVALID naming the option', () => {
    expect(() => resolveOptions({ prefix: 'a_b' })).toThrow(/prefix/);
    expect(() => resolveOptions({ ackWaitMs: 5 })).toThrow(/ackWaitMs/);
    expect(() => resolveOptions({ pushTimeoutMs: 1.5 })).toThrow(/pushTimeoutMs/);
    expect(() => resolveOptions({ storage: 'disk' as never })).toThrow(/storage/);
    expect(() => resolveOptions({ servers: [] })).toThrow(expect.objectContaining({ code: 'ODY_QUEUE_OPTIONS_INVALID' }));
  });
});

describe('ack subjects', () => {
  it('parses v1 and v2 (domain + account hash) ack subjects', () => {
    expect(parseAck('$JS.ACK.S.C.3.17.20.1700000000.4')).toEqual({ deliveryCount: 3, streamSeq: 17, pending: 4 });
    expect(parseAck('$JS.ACK.dom.hash.S.C.2.9.11.1700000000.0.tok')).toEqual({ deliveryCount: 2, streamSeq: 9, pending: 0 });
    expect(parseAck('_INBOX.x')).toBeUndefined();
  });
});
