/** Nearest-rank percentiles of a sample, as every bench section reports them (p99 of 200 samples is the 2nd largest). */
export interface Summary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** The sample's percentiles, rounded to `digits` decimals (milliseconds to 0.01 ms by default). */
export function summary(values: ArrayLike<number>, digits = 2): Summary {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10 ** digits) / 10 ** digits;
  return {
    count: sorted.length,
    min: round(sorted[0] ?? NaN),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}
