import { definePlugin, z } from '@ody/core';
import { Router } from '@ody/http';
import { defineQueue, type Job, Queues } from '@ody/queue';

const WelcomeSchema = z.object({ email: z.email(), name: z.string().min(1).max(100) });
type Welcome = z.output<typeof WelcomeSchema>;

/** The example's email queue: every push and handler is typed by its payload. */
export const welcomeQueue = defineQueue<Welcome>('emails');

/** What the example "sent" (a real app would call its mail provider here). */
export interface SentWelcome extends Welcome {
  jobId: string;
  attempt: number;
}

/** The example's email worker: retried with backoff on a throw, idempotent by job id. */
export function sendWelcome(sent: Map<string, SentWelcome>) {
  return async (job: Job<Welcome>, { signal }: { signal: AbortSignal }) => {
    if (signal.aborted) throw signal.reason;
    sent.set(job.id, { ...job.data, jobId: job.id, attempt: job.attempt });
    return { delivered: true };
  };
}

/**
 * `POST /welcome {email, name}` pushes a job to the `emails` queue (202 + jobId, one job per email via
 * jobId dedupe); a worker processes it; `GET /welcome/sent` lists what was sent. Needs the http and
 * queue plugins (filesystem driver by default, under var/queue).
 */
export const welcomeQueuePlugin = () =>
  definePlugin({
    name: 'example-queue',
    dependsOn: ['http', 'queue'],
    register(ctx) {
      const router = ctx.get(Router);
      const queues = ctx.get(Queues);
      const sent = new Map<string, SentWelcome>();
      queues.process(welcomeQueue, sendWelcome(sent), { concurrency: 4 });
      router.post('/welcome', { body: WelcomeSchema }, async (c) => {
        const body = c.valid.body;
        const { id, added } = await queues
          .queue(welcomeQueue)
          .push('welcome', body, { jobId: `welcome:${body.email}`, attempts: 5, backoff: { type: 'exponential', delayMs: 1000 }, timeoutMs: 10_000 });
        c.status(202);
        return { jobId: id, queued: added };
      });
      router.get('/welcome/sent', () => [...sent.values()]);
      router.get('/welcome/counts', () => queues.queue(welcomeQueue).counts());
    },
  });
