import { AMQPChannelError, AMQPConnectionError, AMQPError } from 'rabbitmq-client';
import { describe, expect, it } from 'vitest';
import { isConnectionLoss, whileConnecting } from './retry.js';

/** rabbitmq-client's error constructors (code, message) are internal in its typings. */
const make = (C: unknown, code: string): Error => new (C as new (code: string, message: string) => Error)(code, code.toLowerCase());

describe('isConnectionLoss', () => {
  it('waits for lost connections and timeouts, never for a broker refusal or a bug', () => {
    expect(isConnectionLoss(make(AMQPConnectionError, 'CONN_CLOSE'))).toBe(true);
    expect(isConnectionLoss(make(AMQPChannelError, 'CH_CLOSE'))).toBe(true);
    expect(isConnectionLoss(make(AMQPError, 'TIMEOUT'))).toBe(true);
    expect(isConnectionLoss(make(AMQPChannelError, 'PRECONDITION_FAILED'))).toBe(false);
    expect(isConnectionLoss(make(AMQPConnectionError, 'ACCESS_REFUSED'))).toBe(false);
    expect(isConnectionLoss(make(AMQPConnectionError, 'CLOSING'))).toBe(false);
    expect(isConnectionLoss(new TypeError('bug'))).toBe(false);
  });
});

describe('whileConnecting', () => {
  it('retries while the connection is down, then gives up with ODY_QUEUE_AMQP_UNREACHABLE', async () => {
    let calls = 0;
    const flaky = () => (++calls < 3 ? Promise.reject(make(AMQPConnectionError, 'CONN_CLOSE')) : Promise.resolve('ok'));
    expect(await whileConnecting('testing', 5_000, flaky)).toBe('ok');
    expect(calls).toBe(3);
    await expect(whileConnecting('testing', 100, () => Promise.reject(make(AMQPConnectionError, 'CONN_CLOSE')))).rejects.toMatchObject({
      code: 'ODY_QUEUE_AMQP_UNREACHABLE',
    });
    const refusal = make(AMQPChannelError, 'PRECONDITION_FAILED');
    await expect(whileConnecting('testing', 5_000, () => Promise.reject(refusal))).rejects.toBe(refusal);
  });
});
