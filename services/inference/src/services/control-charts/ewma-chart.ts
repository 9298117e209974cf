/**
 * An EWMA control chart with a run rule, over standardised subgroup values
 * z = (statistic - centre) / standard error, so subgroups of different sizes share one chart.
 * Two rules, in the Western Electric / Nelson tradition:
 * - `ewma_beyond_limits`: the EWMA of z lies outside +-L * sqrt(lambda / (2 - lambda) *
 *   (1 - (1 - lambda)^2t) + v)), the exact (not asymptotic) limits, so early subgroups are not
 *   over-sensitive. v is the variance of the centre line itself, learned from a finite baseline
 *   (subgroup size / baseline size): without it a short baseline's error alone pushes the EWMA
 *   out. Defaults lambda 0.2, L 3 (Montgomery's usual choice).
 * - `run_one_side`: consecutive subgroups strictly on one side of the centre line. For a
 *   symmetric statistic that is 9 in a row (Nelson's rule 2; Western Electric's 8 false-alarms
 *   every ~255 in-control subgroups, 9 every ~511). A skewed statistic (a defect share near 0
 *   or 1) lands on one side far more often, so the length is calibrated per side to the same
 *   false-alarm odds as 9 fair coin tosses: the shortest n with P(side)^n <= 0.5^9.
 * In-control, the EWMA rule alone false-alarms about once every 500 subgroups.
 * A few lines of arithmetic; no maintained npm package does SPC charts, hence our own.
 */

export type ChartRule = 'ewma_beyond_limits' | 'run_one_side';

export interface EwmaChartOptions {
  /** Weight of the newest subgroup, in (0, 1]. Default 0.2. */
  lambda?: number;
  /** Control limit in standard deviations of the EWMA. Default 3. */
  limitSigma?: number;
  /** Run length for a symmetric statistic (one side with probability 1/2). Default 9. */
  runLength?: number;
}

/** One subgroup: its standardised value and how likely an in-control subgroup lands above / below the centre. */
export interface Subgroup {
  z: number;
  /** In-control probability of a value strictly above the centre; default 0.5. */
  above?: number;
  /** In-control probability of a value strictly below the centre; default 0.5. */
  below?: number;
  /** Variance of the centre line's estimate in this subgroup's standard errors squared (n / baseline n); default 0. */
  centreVariance?: number;
}

export interface EwmaReading {
  subgroups: number;
  ewma: number;
  /** The current limit (+-) of the EWMA. */
  limit: number;
  run: { side: 'above' | 'below'; length: number; needed: number } | null;
  firing: ChartRule[];
}

/** Shortest run on a side of probability p as unlikely as `symmetricLength` fair tosses (at least 2). */
export function calibratedRunLength(p: number, symmetricLength: number): number {
  if (p <= 0) return Number.POSITIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  return Math.max(2, Math.ceil((symmetricLength * Math.log(0.5)) / Math.log(p)));
}

export class EwmaChart {
  readonly #lambda: number;
  readonly #limitSigma: number;
  readonly #runLength: number;
  #subgroups = 0;
  #ewma = 0;
  #run: EwmaReading['run'] = null;
  #centreVariance = 0;

  constructor(options: EwmaChartOptions = {}) {
    this.#lambda = options.lambda ?? 0.2;
    this.#limitSigma = options.limitSigma ?? 3;
    this.#runLength = options.runLength ?? 9;
    if (!(this.#lambda > 0 && this.#lambda <= 1))
      throw new RangeError(`expected lambda in (0, 1], got ${this.#lambda}`);
  }

  /** Adds one subgroup and returns the chart after it. */
  add(subgroup: Subgroup): EwmaReading {
    this.#subgroups += 1;
    this.#centreVariance = subgroup.centreVariance ?? 0;
    this.#ewma = this.#lambda * subgroup.z + (1 - this.#lambda) * this.#ewma;
    const side = subgroup.z > 0 ? 'above' : subgroup.z < 0 ? 'below' : null;
    if (side === null) this.#run = null;
    else {
      const needed = calibratedRunLength(
        side === 'above' ? (subgroup.above ?? 0.5) : (subgroup.below ?? 0.5),
        this.#runLength,
      );
      const length = this.#run?.side === side ? this.#run.length + 1 : 1;
      this.#run = { side, length, needed };
    }
    return this.reading();
  }

  reading(): EwmaReading {
    const t = this.#subgroups;
    const l = this.#lambda;
    const limit =
      this.#limitSigma *
      Math.sqrt((l / (2 - l)) * (1 - (1 - l) ** (2 * Math.max(t, 1))) + this.#centreVariance);
    const firing: ChartRule[] = [];
    if (t > 0 && Math.abs(this.#ewma) > limit) firing.push('ewma_beyond_limits');
    if (this.#run !== null && this.#run.length >= this.#run.needed) firing.push('run_one_side');
    return { subgroups: t, ewma: this.#ewma, limit, run: this.#run, firing };
  }
}
