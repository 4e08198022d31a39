import { queueDriverNames } from '@ody/queue';
import { describe, expect, it } from 'vitest';

describe('registration', () => {
  it('importing the package registers nothing; registerAmqpDriver() adds the name', async () => {
    const mod = await import('./index.js');
    expect(queueDriverNames()).not.toContain('amqp');
    mod.registerAmqpDriver();
    expect(queueDriverNames()).toContain('amqp');
  });
});
