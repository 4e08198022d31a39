import { queueConformance } from '@ody/queue/testing';
import * as vitest from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { amqpDriver } from './index.js';

describeWithRabbit('amqp driver', (rabbit) => {
  queueConformance('amqp', () => amqpDriver({ url: rabbit.url, prefix: rabbit.prefix }), vitest);
});
