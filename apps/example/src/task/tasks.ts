/** The example's task module: CPU-bound work that must not block the event loop. */
import { defineTasks } from '@ody/task/worker';

/** Count primes below `limit` (a deliberately CPU-bound sieve). */
export function countPrimes(limit: number): number {
  if (!Number.isInteger(limit) || limit < 2) return 0;
  const composite = new Uint8Array(limit);
  let count = 0;
  for (let i = 2; i < limit; i++) {
    if (composite[i] === 1) continue;
    count++;
    for (let j = i * i; j < limit; j += i) composite[j] = 1;
  }
  return count;
}

export default defineTasks({ countPrimes: (limit: number) => countPrimes(limit) });
