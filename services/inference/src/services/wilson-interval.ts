/**
 * The Wilson score interval for a proportion: unlike the normal approximation it stays inside
 * [0, 1] and is honest with few trials or proportions near 0 or 1 (a precision of 3/3 is not
 * certainty). z = 1.96 gives 95 %.
 */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

/** `successes / trials` with its interval; null when there were no trials. */
export function wilsonEstimate(successes: number, trials: number, z = 1.96): Estimate | null {
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
