// Shared settings of the fast-check properties: a fixed seed (reproducible runs; FUZZ_SEED overrides
// it to explore) and a modest run count (FUZZ_RUNS multiplies it for a longer local session).
// fast-check's failure message names the seed and the shrunk counterexample's path; replay a failure
// with FUZZ_SEED=<seed>.
import type { Parameters as FcParameters } from 'fast-check';

const seedFromEnv = Number(process.env.FUZZ_SEED);
const factor = Number(process.env.FUZZ_RUNS ?? '1');

/** Seed of every property in this run. */
export const fuzzSeed = Number.isInteger(seedFromEnv) ? seedFromEnv : 0x0d7_f022;

/** fast-check parameters: the shared seed and `numRuns` scaled by FUZZ_RUNS. */
export function fuzzParams<T>(numRuns: number, extra: FcParameters<T> = {}): FcParameters<T> {
  return { seed: fuzzSeed, numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1))), ...extra };
}
