import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from './config.js';
import { formatTable } from './routes.js';

describe('redact', () => {
  it('hides values of secret-looking keys, whatever their case', () => {
    for (const key of ['password', 'dbPassword', 'clientSecret', 'apiKey', 'TOKEN', 'keyPrefix']) expect(redact(key, 'x')).toBe(REDACTED);
  });
  it('keeps other values, and empty secrets as they are', () => {
    expect(redact('port', 3000)).toBe(3000);
    expect(redact('host', 'example.com')).toBe('example.com');
    expect(redact('password', '')).toBe('');
  });
  it('removes credentials from URLs inside strings', () => {
    expect(redact('url', 'redis://user:pw@cache:6379/0')).toBe(`redis://${REDACTED}@cache:6379/0`);
    expect(redact('url', 'amqp://guest@mq.local')).toBe(`amqp://${REDACTED}@mq.local`);
    expect(redact('url', 'https://example.com/a@b')).toBe('https://example.com/a@b');
  });
});

describe('formatTable', () => {
  it('aligns columns and leaves the last one unpadded', () => {
    expect(formatTable(['A', 'BB'], [['long', 'x'], ['s', 'yy']])).toBe('A     BB\nlong  x\ns     yy');
  });
});
