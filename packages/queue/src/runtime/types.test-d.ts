// Type tests, checked by `tsc -p packages/queue` (npm run typecheck): each @ts-expect-error must be an
// error, so flipping a type (say, `job.data` back to unknown) fails the typecheck.
import { expectTypeOf } from 'vitest';
import { memoryDriver } from '../drivers/memory/driver.js';
import type { Queues } from '../tokens.js';
import { defineQueue } from './definition.js';
import type { Job } from './job.js';
import { Queue } from './queue.js';
import { Worker } from './worker.js';

type Email = { to: string };
declare const queues: Queues;

// queues.queue<T>(name) and defineQueue<T>(name) type pushes and handlers.
const emails = defineQueue<Email>('emails');
void queues.queue(emails).push('welcome', { to: 'a@b.co' });
// @ts-expect-error the payload must be an Email
void queues.queue(emails).push('welcome', { to: 1 });
void queues.queue<Email>('emails').push('welcome', { to: 'a@b.co' });
// @ts-expect-error the payload must be an Email
void queues.queue<Email>('emails').push('welcome', { email: 'a@b.co' });
queues.process(emails, (job) => expectTypeOf(job.data).toEqualTypeOf<Email>());
// @ts-expect-error a handler for another payload type does not fit this queue
queues.process(emails, (job: Job<{ sms: string }>) => job.data.sms);

// Worker events carry the typed job.
const typed = new Queue<Email>('emails', { driver: memoryDriver() });
const worker = new Worker(typed, (job) => job.data.to);
worker.on('completed', (job) => expectTypeOf(job.data).toEqualTypeOf<Email>());
worker.on('failed', (job) => expectTypeOf(job).toEqualTypeOf<Job<Email> | undefined>());
// @ts-expect-error there is no such property on Email
worker.on('active', (job) => job.data.subject);
// @ts-expect-error a typed queue does not feed a worker of another payload type
new Worker(typed, (job: Job<number>) => job.data);
// on() returns an unsubscribe function.
expectTypeOf(worker.on('error', () => {})).toEqualTypeOf<() => void>();
