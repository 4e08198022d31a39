import { queueConformance } from '@ody/queue/testing';
import * as vitest from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { amqpDriver } from './index.js';

// A private broker with the management plugin: oldestWaitingAt reads the queue's head_message_timestamp
// there (second precision).
describeWithRabbit('amqp driver', (rabbit) => {
  queueConformance('amqp', () => amqpDriver({ url: rabbit.url, prefix: rabbit.prefix, managementUrl: rabbit.managementUrl }), vitest, {
    oldestWaitingResolutionMs: 1000,
  });
}, { management: true });
