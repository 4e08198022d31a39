/** One measured number. */
export interface Row {
  name: string;
  metric: string;
  value: number;
}

/** What a suite returns: rows it measured and ratios between peers of the same run. */
export interface SuiteResult {
  rows: Row[];
  ratios: Record<string, number>;
  /** Per ratio key: min and max of the per-round ratios (`ratios` holds their median) and the round count. */
  spreads?: Record<string, { min: number; max: number; n: number }>;
  /** Free-form notes printed under the table (load tool, settings). */
  notes?: string[];
}

/** Options every suite receives. */
export interface SuiteOptions {
  /** Finish in about two minutes (fewer rounds; never written to RESULTS.md). */
  quick: boolean;
}

/** A benchmark suite: `benchmarks/src/suites/<name>.ts` default-exports one. */
export interface Suite {
  name: string;
  run(options: SuiteOptions): Promise<SuiteResult>;
}

/** The JSON written to benchmarks/results/<suite>.json. */
export interface ResultFile extends SuiteResult {
  suite: string;
  date: string;
  node: string;
  cpus: number;
  quick: boolean;
}
