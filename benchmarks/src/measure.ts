/** Small helpers shared by suites: percentiles, medians, alternating rounds, spreads. */

/** The p-th percentile (0..100) of samples (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of samples (the mean of the middle two for an even count, so 2 samples are not "the lower one"). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median, min and max of a set of samples (one per round). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many samples the spread is over. */
  n: number;
}

/** The median and min/max spread of samples. */
export function spreadOf(samples: readonly number[]): Spread {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), n: samples.length };
}

/**
 * The ratio a/b per round (samples of one `alternate` call pair up by round), as median and spread.
 * Pass `higherIsBetter: false` for costs (ms, CPU per op): the ratio is then b/a, so above 1 still
 * means the first peer is better.
 */
export function ratioOf(a: readonly number[], b: readonly number[], higherIsBetter = true): Spread {
  if (a.length !== b.length || a.length === 0) throw new Error(`ratioOf: ${a.length} vs ${b.length} samples`);
  return spreadOf(a.map((x, i) => (higherIsBetter ? x / b[i]! : b[i]! / x)));
}

/** Rounds per measurement: the suite's quick count, and at least 5 in full mode. */
export function roundsFor(quick: boolean, counts: { quick: number; full: number }): number {
  return quick ? Math.max(1, counts.quick) : Math.max(5, counts.full);
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

/** Ratio spreads keyed by name, split into a suite result's `ratios` (medians) and `spreads`. */
export function ratioEntries(entries: Record<string, Spread>): {
  ratios: Record<string, number>;
  spreads: Record<string, { min: number; max: number; n: number }>;
} {
  const ratios: Record<string, number> = {};
  const spreads: Record<string, { min: number; max: number; n: number }> = {};
  for (const [k, s] of Object.entries(entries)) {
    ratios[k] = s.median;
    spreads[k] = { min: s.min, max: s.max, n: s.n };
  }
  return { ratios, spreads };
}
