/** One row of `npm run bench`'s table (durations in milliseconds), plus the figure and its target for results.json. */
export interface BenchResult {
  name: string;
  samples: number;
  p50Ms?: number;
  p95Ms?: number;
  totalMs?: number;
  note?: string;
  value?: number;
  unit?: string;
  target?: string;
  meetsTarget?: boolean;
}

/** Nearest-rank percentile of ascending values; NaN when there are none. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}
