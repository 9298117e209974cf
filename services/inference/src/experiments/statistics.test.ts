import { describe, expect, it } from 'vitest';
import {
  compareProportions,
  differenceInterval,
  fisherExactTest,
  mcnemarExactTest,
  quantile,
  twoProportionZTest,
  wilsonInterval,
} from './statistics.js';

describe('wilsonInterval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i: [%f, %f]', (x, n, low, high) => {
    const interval = wilsonInterval(x, n);
    expect(interval?.low).toBeCloseTo(low, 4);
    expect(interval?.high).toBeCloseTo(high, 4);
  });

  it('is null without trials', () => expect(wilsonInterval(0, 0)).toBeNull());
});

describe('differenceInterval', () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions",
  // example (a): 56/70 - 48/80 = 0.2000, method 10 gives 0.0524 to 0.3339.
  it('matches Newcombe method 10 on 56/70 vs 48/80', () => {
    const interval = differenceInterval(48, 80, 56, 70);
    expect(interval?.low).toBeCloseTo(0.0524, 4);
    expect(interval?.high).toBeCloseTo(0.3339, 4);
  });
});

describe('twoProportionZTest', () => {
  // By hand: pooled p = 105/200 = 0.525, se = sqrt(0.525 * 0.475 * (1/100 + 1/100)) = 0.070622,
  // z = (0.60 - 0.45) / 0.070622 = 2.12398, p = 2 * (1 - Phi(2.12398)) = 0.03367.
  it('45/100 vs 60/100', () => {
    const { z, pValue } = twoProportionZTest(45, 100, 60, 100);
    expect(z).toBeCloseTo(2.12398, 4);
    expect(pValue).toBeCloseTo(0.03367, 4);
  });

  it('answers p = 1 when both arms are all failures', () =>
    expect(twoProportionZTest(0, 50, 0, 50)).toEqual({ z: 0, pValue: 1 }));
});

describe('fisherExactTest', () => {
  // Fisher's tea tasting, [[3, 1], [1, 3]]: tables as or less likely than the observed one have
  // probabilities 1/70 + 16/70 + 16/70 + 1/70 = 34/70 = 0.48571.
  it('tea tasting', () => expect(fisherExactTest(3, 4, 1, 4)).toBeCloseTo(34 / 70, 10));
  // [[0, 10], [5, 5]]: P(a = 0) = C(10,0) C(10,5) / C(20,5) = 252/15504 and the mirror table
  // a = 5 likewise: p = 504/15504 = 0.032508.
  it('one-sided extreme tables on both ends', () =>
    expect(fisherExactTest(0, 10, 5, 10)).toBeCloseTo(504 / 15504, 10));
});

describe('compareProportions', () => {
  it('uses the z-test with enough expected counts and says the difference is significant', () => {
    const result = compareProportions({ successes: 45, trials: 100 }, { successes: 60, trials: 100 });
    expect(result.test).toBe('two-proportion z-test');
    expect(result.difference).toBeCloseTo(0.15, 10);
    expect(result.p_value).toBeCloseTo(0.03367, 4);
    expect(result.significant).toBe(true);
    expect(result.enough_data).toBe(true);
    expect(result.conclusion).toMatch(/^significant difference/);
  });

  it('falls back to Fisher when an expected count is below 5', () => {
    const result = compareProportions({ successes: 0, trials: 40 }, { successes: 4, trials: 40 });
    expect(result.test).toBe('fisher exact test');
    // [[0, 40], [4, 36]]: P(a=0) = C(40,0) C(40,4) / C(80,4) = 91390/1581580, doubled by symmetry.
    expect(result.p_value).toBeCloseTo((2 * 91390) / 1581580, 10);
    expect(result.significant).toBe(false);
  });

  it('says when there is not enough data, whatever the p-value', () => {
    const result = compareProportions({ successes: 0, trials: 10 }, { successes: 10, trials: 10 });
    expect(result.p_value).toBeLessThan(0.001);
    expect(result.enough_data).toBe(false);
    expect(result.significant).toBe(false);
    expect(result.conclusion).toBe(
      'not enough data: each arm needs at least 30 units (control 10, treatment 10)',
    );
  });

  it('says so when an arm has no units at all', () => {
    const result = compareProportions({ successes: 3, trials: 10 }, { successes: 0, trials: 0 });
    expect(result.difference).toBeNull();
    expect(result.conclusion).toBe('not enough data: the treatment has no units yet');
  });
});

describe('quantile', () => {
  it('interpolates like percentile_cont', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.95)).toBe(10.5);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('mcnemarExactTest', () => {
  // b = 1, c = 9: 2 * (C(10,0) + C(10,1)) / 2^10 = 2 * 11 / 1024 = 0.021484375.
  it('1 vs 9 discordant pairs', () => expect(mcnemarExactTest(1, 9)).toBeCloseTo(22 / 1024, 12));
  it('is 1 without discordant pairs, or with them balanced', () => {
    expect(mcnemarExactTest(0, 0)).toBe(1);
    expect(mcnemarExactTest(5, 5)).toBe(1);
  });
});
