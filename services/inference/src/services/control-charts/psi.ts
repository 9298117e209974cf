/**
 * Population stability index: sum over bins of (recent - baseline) * ln(recent / baseline),
 * shares of each. Conventional reading: < 0.1 stable, 0.1-0.25 a moderate shift, >= 0.25 a major
 * one. Empty bins would make it infinite, so every bin gets half a count (the usual smoothing).
 */

/** PSI between two count vectors over the same bins. */
export function psi(baseline: readonly number[], recent: readonly number[]): number {
  if (baseline.length !== recent.length) throw new RangeError('baseline and recent need the same bins');
  const half = 0.5;
  const bTotal = baseline.reduce((a, b) => a + b, 0) + half * baseline.length;
  const rTotal = recent.reduce((a, b) => a + b, 0) + half * recent.length;
  let sum = 0;
  for (let i = 0; i < baseline.length; i++) {
    const b = ((baseline[i] ?? 0) + half) / bTotal;
    const r = ((recent[i] ?? 0) + half) / rTotal;
    sum += (r - b) * Math.log(r / b);
  }
  return sum;
}

/**
 * Bin edges at the baseline's deciles (fewer when values repeat), so each bin holds about a
 * tenth of the baseline whatever the confidence threshold cut off below.
 */
export function decileEdges(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let q = 1; q < 10; q++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / 10))];
    if (edge !== undefined && edge !== edges.at(-1)) edges.push(edge);
  }
  return edges;
}

/** Counts per bin: bin i holds values below edges[i] and at or above edges[i - 1]. */
export function binCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) {
    let bin = 0;
    while (bin < edges.length && value >= (edges[bin] as number)) bin++;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

/** Counts per category over the union of both maps' keys, in one order for both. */
export function alignedCategoryCounts(
  baseline: ReadonlyMap<string, number>,
  recent: ReadonlyMap<string, number>,
): { baseline: number[]; recent: number[] } {
  const keys = [...new Set([...baseline.keys(), ...recent.keys()])].sort();
  return { baseline: keys.map((k) => baseline.get(k) ?? 0), recent: keys.map((k) => recent.get(k) ?? 0) };
}
