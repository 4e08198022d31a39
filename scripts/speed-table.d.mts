/** One ratio as RESULTS.md shows it: median and, when the suite recorded it, the min/max of its rounds. */
export interface ParsedRatio {
  median: number | undefined;
  min: number | undefined;
  max: number | undefined;
  n: number | undefined;
}
/** One headline row: what is compared and the ratio keys it reads. */
export interface SpeedRow {
  suite: string;
  what: string;
  keys: string[];
  since?: string;
  lowerIsBetter?: boolean;
}
/** Marker before the generated table. */
export const BEGIN: string;
/** Marker after the generated table. */
export const END: string;
/** The headline rows. */
export const SPEC: SpeedRow[];
/** RESULTS.md parsed into suite sections. */
export function parseResults(markdown: string): Record<string, { date: string | undefined; quick: boolean; ratios: Record<string, ParsedRatio> }>;
/** The generated table for a RESULTS.md text. */
export function renderTable(resultsMarkdown: string): string;
/** README text with its generated table replaced by a fresh render. */
export function withTable(readme: string, resultsMarkdown: string): string;
