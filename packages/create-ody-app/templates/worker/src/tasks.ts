/** CPU-bound work for the task pool: it runs on worker threads, never on the event loop. */
import { createHash } from 'node:crypto';
import { defineTasks } from '@ody/task/worker';

/** A sha256 of `text` hashed `rounds` times (stands in for real CPU work: resizing, parsing, …). */
export function digest(input: { text: string; rounds: number }): string {
  let value = input.text;
  for (let i = 0; i < input.rounds; i++) value = createHash('sha256').update(value).digest('hex');
  return value;
}

export default defineTasks({ digest });
