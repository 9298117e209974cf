/**
 * The statistics an experiment reports, pure and small so they can be checked by hand: Wilson
 * score intervals for proportions, Newcombe's interval for the difference of two proportions,
 * and a two-sided test of that difference (the pooled two-proportion z-test when every expected
 * cell count is at least 5, Fisher's exact test otherwise). An arm with fewer than `minTrials`
 * units is reported as "not enough data" instead of as a difference.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

export interface Interval {
  low: number;
  high: number;
}

/** z for a two-sided 95 % interval. */
const z95 = 1.959963984540054;

/** Wilson score interval of `successes` out of `trials`; null when there are no trials. */
export function wilsonInterval(successes: number, trials: number, z = z95): Interval | null {
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Newcombe's hybrid score interval (his method 10) for p2 - p1, built from the two Wilson intervals. */
export function differenceInterval(x1: number, n1: number, x2: number, n2: number, z = z95): Interval | null {
  const w1 = wilsonInterval(x1, n1, z);
  const w2 = wilsonInterval(x2, n2, z);
  if (w1 === null || w2 === null) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p2 - p1;
  return {
    low: d - Math.sqrt((p2 - w2.low) ** 2 + (w1.high - p1) ** 2),
    high: d + Math.sqrt((w2.high - p2) ** 2 + (p1 - w1.low) ** 2),
  };
}

/** Pooled two-proportion z-test, two-sided. z is positive when the second proportion is larger. */
export function twoProportionZTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { z: number; pValue: number } {
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  // Both all-successes or all-failures: no difference can be seen.
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (x2 / n2 - x1 / n1) / se;
  return { z, pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z), 0, 1))) };
}

/**
 * Fisher's exact test, two-sided, of the 2x2 table [[x1, n1 - x1], [x2, n2 - x2]]: the sum of
 * the hypergeometric probabilities of every table with the same margins that is no more likely
 * than the one observed.
 */
export function fisherExactTest(x1: number, n1: number, x2: number, n2: number): number {
  const successes = x1 + x2;
  const total = n1 + n2;
  const logFactorial = logFactorials(total);
  const logChoose = (n: number, k: number) => logFactorial[n]! - logFactorial[k]! - logFactorial[n - k]!;
  const logP = (a: number) => logChoose(n1, a) + logChoose(n2, successes - a) - logChoose(total, successes);
  const observed = logP(x1);
  let p = 0;
  for (let a = Math.max(0, successes - n2); a <= Math.min(n1, successes); a += 1) {
    const here = logP(a);
    // A relative tolerance so tables exactly as likely as the observed one are counted.
    if (here <= observed + 1e-7) p += Math.exp(here);
  }
  return Math.min(1, p);
}

function logFactorials(n: number): number[] {
  const table = [0];
  for (let i = 1; i <= n; i += 1) table.push(table[i - 1]! + Math.log(i));
  return table;
}

export interface ProportionComparisonOptions {
  /** Significance level. Default 0.05. */
  alpha?: number;
  /** Units each arm needs before a difference is reported. Default 30. */
  minTrials?: number;
}

export interface ArmProportion {
  successes: number;
  trials: number;
  rate: number | null;
  interval: Interval | null;
}

export interface ProportionComparison {
  control: ArmProportion;
  treatment: ArmProportion;
  /** treatment rate - control rate; null when an arm has no trials. */
  difference: number | null;
  difference_interval: Interval | null;
  test: 'two-proportion z-test' | 'fisher exact test' | null;
  z: number | null;
  p_value: number | null;
  /** p < alpha and both arms have enough data. */
  significant: boolean;
  enough_data: boolean;
  /** One sentence for people: the conclusion, or why there is none yet. */
  conclusion: string;
}

export function proportion(successes: number, trials: number): ArmProportion {
  return {
    successes,
    trials,
    rate: trials === 0 ? null : successes / trials,
    interval: wilsonInterval(successes, trials),
  };
}

/** Compares the treatment's proportion with the control's. */
export function compareProportions(
  control: { successes: number; trials: number },
  treatment: { successes: number; trials: number },
  options: ProportionComparisonOptions = {},
): ProportionComparison {
  const alpha = options.alpha ?? 0.05;
  const minTrials = options.minTrials ?? 30;
  const { successes: x1, trials: n1 } = control;
  const { successes: x2, trials: n2 } = treatment;
  const base = { control: proportion(x1, n1), treatment: proportion(x2, n2) };
  if (n1 === 0 || n2 === 0) {
    return {
      ...base,
      difference: null,
      difference_interval: null,
      test: null,
      z: null,
      p_value: null,
      significant: false,
      enough_data: false,
      conclusion: `not enough data: ${n1 === 0 ? 'the control' : 'the treatment'} has no units yet`,
    };
  }
  const total = n1 + n2;
  const successes = x1 + x2;
  const expected = [n1, n2].flatMap((n) => [(n * successes) / total, (n * (total - successes)) / total]);
  const useZ = expected.every((e) => e >= 5);
  const zTest = useZ ? twoProportionZTest(x1, n1, x2, n2) : undefined;
  const pValue = zTest?.pValue ?? fisherExactTest(x1, n1, x2, n2);
  const enough = n1 >= minTrials && n2 >= minTrials;
  const significant = enough && pValue < alpha;
  return {
    ...base,
    difference: x2 / n2 - x1 / n1,
    difference_interval: differenceInterval(x1, n1, x2, n2),
    test: useZ ? 'two-proportion z-test' : 'fisher exact test',
    z: zTest?.z ?? null,
    p_value: pValue,
    significant,
    enough_data: enough,
    conclusion: !enough
      ? `not enough data: each arm needs at least ${minTrials} units (control ${n1}, treatment ${n2})`
      : significant
        ? `significant difference (p = ${pValue.toPrecision(2)} < ${alpha})`
        : `no significant difference (p = ${pValue.toPrecision(2)} >= ${alpha})`,
  };
}

/** The q-quantile (0..1) of `values` by linear interpolation between closest ranks (PostgreSQL's percentile_cont); null when empty. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/**
 * McNemar's exact test for paired outcomes (both arms on the same images): `b` images where only
 * the control says yes, `c` where only the treatment does; two-sided binomial p with q = 1/2.
 */
export function mcnemarExactTest(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let logChoose = 0; // log C(n, 0)
  let tail = 0;
  for (let i = 0; i <= k; i += 1) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logChoose - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}
