import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesystemDriver, memoryDriver, Queue, type QueueDriver, Worker } from '@ody/queue';
import { amqpDriver } from '@ody/queue-amqp';
import { natsDriver } from '@ody/queue-nats';
import { redisDriver } from '@ody/queue-redis';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { describeWithNats } from '../../../test-support/nats-harness.js';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { describeWithRedis } from '../../../test-support/redis-harness.js';
import { until } from '../../../test-support/wait.js';
import { installQueueTracing } from './queue.js';
import { isChildOf, registerTestSdk } from './test-support/sdk.js';

const { exporter, provider } = registerTestSdk();
const uninstall = installQueueTracing();
afterAll(async () => {
  uninstall();
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

/**
 * Push under a parent span; the handler fails its first attempt and succeeds on the second. Both
 * attempts are CONSUMER spans, children of the one PRODUCER span, in the parent's trace. Every driver
 * hands the claimed job's meta back on retry, so the retry carries the first attempt's context and
 * links to it.
 */
async function retriedJobIsOneTrace(driver: QueueDriver, queueName: string): Promise<void> {
  const queue = new Queue<{ n: number }>(queueName, { driver });
  const seen: Array<Record<string, string>> = [];
  const worker = new Worker(
    queue,
    (job) => {
      seen.push({ ...job.meta });
      if (job.attempt === 1) throw new Error('first attempt fails');
      return 'ok';
    },
    { leaseMs: 5_000 },
  );
  try {
    await trace.getTracer('test').startActiveSpan('request', async (span) => {
      await queue.push('work', { n: 1 }, { attempts: 2 });
      span.end();
    });
    const consumers = await until('two CONSUMER spans', () => {
      const c = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER);
      return c.length >= 2 ? c : undefined;
    });
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'request');
    const producer = spans.find((s) => s.kind === SpanKind.PRODUCER);
    expect(producer?.name).toBe(`send ${queueName}`);
    expect(isChildOf(producer, request)).toBe(true);
    expect(producer?.attributes['messaging.ody.driver']).toBe(driver.name);
    const [first, second] = [...consumers].sort((a, b) => Number(a.attributes['messaging.ody.attempt']) - Number(b.attributes['messaging.ody.attempt']));
    for (const c of [first, second]) {
      expect(c?.name).toBe(`process ${queueName}`);
      expect(isChildOf(c, producer), 'each attempt is a child of the push').toBe(true);
      expect(c?.spanContext().traceId).toBe(request?.spanContext().traceId);
      expect(c?.attributes['messaging.message.id']).toBe(producer?.attributes['messaging.message.id']);
    }
    expect(first?.attributes).toMatchObject({ 'messaging.ody.attempt': 1, 'messaging.ody.will_retry': true, 'error.type': 'Error' });
    expect(first?.status.code).toBe(SpanStatusCode.ERROR);
    expect(second?.attributes['messaging.ody.attempt']).toBe(2);
    expect(second?.status.code).toBe(SpanStatusCode.UNSET);
    // The retry links to the first attempt (its context kept in the job's meta).
    expect(first?.links).toEqual([]);
    const links = second?.links.map((l) => [l.context.traceId, l.context.spanId, l.attributes?.['messaging.ody.link']]);
    expect(links).toEqual([[first?.spanContext().traceId, first?.spanContext().spanId, 'first_attempt']]);
    // The job carries the W3C context in its meta, through the driver's storage.
    expect(seen[0]?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  } finally {
    await worker.close({ timeoutMs: 2_000 });
  }
}

describe('queue spans', () => {
  it('memory driver: PRODUCER → CONSUMER per attempt', async () => {
    const driver = memoryDriver();
    await retriedJobIsOneTrace(driver, 'otel-mem');
    await driver.close();
  });

  it('filesystem driver: PRODUCER → CONSUMER per attempt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-otel-q-'));
    const driver = filesystemDriver({ dir, durable: false });
    try {
      await retriedJobIsOneTrace(driver, 'otel-fs');
    } finally {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pushBulk: one PRODUCER span for the batch; every job carries its context', async () => {
    const driver = memoryDriver();
    const queue = new Queue('otel-bulk', { driver });
    await queue.pushBulk([
      { name: 'a', payload: 1 },
      { name: 'b', payload: 2 },
    ]);
    const [producer] = exporter.getFinishedSpans();
    expect(producer?.attributes['messaging.batch.message_count']).toBe(2);
    await driver.close();
  });
});

describeWithRedis('queue spans on redis', (redis) => {
  it('redis driver: PRODUCER → CONSUMER per attempt', async () => {
    const driver = redisDriver({ url: redis.url, prefix: `${redis.prefix}otel` });
    try {
      await retriedJobIsOneTrace(driver, 'otel-redis');
    } finally {
      await driver.close();
    }
  });
});

describeWithRabbit('queue spans on amqp', (rabbit) => {
  it('amqp driver: PRODUCER → CONSUMER per attempt', async () => {
    const driver = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix });
    try {
      await retriedJobIsOneTrace(driver, 'otel-amqp');
    } finally {
      await driver.close();
    }
  });
});

describeWithNats('queue spans on nats', (nats) => {
  it('nats driver: PRODUCER → CONSUMER per attempt', async () => {
    const driver = natsDriver({ servers: nats.url, prefix: nats.prefix, pollMs: 50 });
    try {
      await retriedJobIsOneTrace(driver, 'otel-nats');
    } finally {
      await driver.close();
    }
  });
});
