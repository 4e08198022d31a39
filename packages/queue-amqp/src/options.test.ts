import { describe, expect, it } from 'vitest';
import { amqpDriver } from './driver.js';
import { resolveOptions } from './options.js';

describe('managementUrl', () => {
  it('takes the credentials out of the URL into a Basic header, and the vhost from the AMQP URL', () => {
    const o = resolveOptions({ url: 'amqp://app:secret@broker:5672/shop%2Fprod', managementUrl: 'http://admin:p%40ss@broker:15672/' });
    expect(o.management).toEqual({
      api: 'http://broker:15672',
      authorization: `Basic ${Buffer.from('admin:p@ss').toString('base64')}`,
      vhost: 'shop/prod',
    });
  });

  it('falls back to the AMQP credentials and the default vhost', () => {
    const o = resolveOptions({ url: 'amqp://app:secret@broker', managementUrl: 'https://broker:15671' });
    expect(o.management).toEqual({ api: 'https://broker:15671', authorization: `Basic ${Buffer.from('app:secret').toString('base64')}`, vhost: '/' });
  });

  it('rejects a URL that is not http(s) with ODY_QUEUE_OPTIONS_INVALID', () => {
    expect(() => resolveOptions({ managementUrl: 'amqp://broker:15672' })).toThrow(expect.objectContaining({ code: 'ODY_QUEUE_OPTIONS_INVALID' }));
  });

  it('without it the driver has no oldestWaitingAt (the age metric is absent); with it, it has', async () => {
    const without = amqpDriver({ url: 'amqp://guest:guest@127.0.0.1:1' });
    const withApi = amqpDriver({ url: 'amqp://guest:guest@127.0.0.1:1', managementUrl: 'http://127.0.0.1:1' });
    try {
      expect(without.oldestWaitingAt).toBeUndefined();
      expect(withApi.oldestWaitingAt).toBeTypeOf('function');
    } finally {
      await Promise.all([without.close(), withApi.close()]);
    }
  });
});
