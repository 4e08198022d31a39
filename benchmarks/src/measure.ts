/** Small helpers shared by suites: percentiles, medians, alternating rounds. */

/** The p-th percentile (0..100) of samples (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of samples. */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/**
 * Run each peer's measurement `rounds` times, alternating peers each round so machine noise hits all
 * of them alike; returns every peer's samples.
 */
export async function alternate<K extends string>(
  rounds: number,
  peers: Record<K, () => Promise<number> | number>,
): Promise<Record<K, number[]>> {
  const out = Object.fromEntries(Object.keys(peers).map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const names = Object.keys(peers) as K[];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) out[name].push(await peers[name]());
  }
  return out;
}

/** Operations per second of `fn` run `n` times in a tight loop. */
export function opsPerSecond(n: number, fn: (i: number) => unknown): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - start);
  return (n / ns) * 1e9;
}
