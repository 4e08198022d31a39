import { definePlugin, token } from '@ody/core';
import { ProcessManager } from '@ody/process';
import { Queues } from '@ody/queue';
import { TaskPool } from '@ody/task';

/** What a `digests` job carries (the queue is typed: push and job.data agree). */
export interface DigestJob {
  text: string;
  rounds: number;
}

/** Finished digests by job id (a real service would write them to its database). */
export const DigestResults = token<Map<string, string>>('{{name}}/DigestResults');

/**
 * The service's work: a queue worker for `digests` that hands the CPU part to the task pool, and
 * one job per tick of the supervised clock process.
 */
export const jobsPlugin = () =>
  definePlugin({
    name: 'jobs',
    dependsOn: ['queue', 'task'],
    register(ctx) {
      const queues = ctx.get(Queues);
      const pool = ctx.get(TaskPool);
      const results = new Map<string, string>();
      ctx.bind(DigestResults).toValue(results);
      queues.process<DigestJob>('digests', async (job) => {
        const hex = (await pool.run('digest', job.data, { timeoutMs: 30_000 })) as string;
        results.set(job.id, hex);
        ctx.logger.info({ jobId: job.id, hex: hex.slice(0, 12) }, 'digest done');
        return hex;
      });
    },
    boot(ctx) {
      if (!ctx.has(ProcessManager)) return;
      const queues = ctx.get(Queues);
      ctx.get(ProcessManager).on('message', ({ name, message }) => {
        if (name !== 'clock') return;
        const { tick } = message as { tick: number };
        queues.queue<DigestJob>('digests').push('tick', { text: `tick ${tick}`, rounds: 1_000 }).catch((error: unknown) => {
          ctx.logger.error({ err: error }, 'could not queue a tick');
        });
      });
    },
  });
