import { Connection } from 'rabbitmq-client';
import { expect, it } from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';

describeWithRabbit('rabbitmq harness', (rabbit) => {
  it('gives the suite its own vhost (or, without admin access, its own prefix)', async () => {
    expect(rabbit.prefix).toMatch(/^t[0-9a-f]{8}$/);
    if (rabbit.vhost === undefined) {
      console.warn('[rabbitmq] no management API or rabbitmqctl: isolation by prefix only');
      return;
    }
    expect(new URL(rabbit.url).pathname).toBe(`/${rabbit.vhost}`);
    const inside = new Connection(rabbit.url);
    const root = new URL(rabbit.url);
    root.pathname = '/';
    const outside = new Connection(root.toString());
    try {
      const queue = `${rabbit.prefix}.probe`;
      await inside.queueDeclare({ queue, exclusive: true });
      await expect(outside.queueDeclare({ queue, passive: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await inside.close();
      await outside.close();
    }
  });
});
