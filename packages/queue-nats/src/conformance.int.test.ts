import { queueConformance } from '@ody/queue/testing';
import * as vitest from 'vitest';
import { describeWithNats } from '../../../test-support/nats-harness.js';
import { natsDriver } from './index.js';

describeWithNats('nats driver', (nats) => {
  queueConformance('nats', () => natsDriver({ servers: nats.url, prefix: nats.prefix }), vitest);
});
