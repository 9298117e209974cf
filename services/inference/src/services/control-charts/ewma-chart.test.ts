import { describe, expect, it } from 'vitest';
import { binomialSides } from './binomial-sides.js';
import { calibratedRunLength, EwmaChart } from './ewma-chart.js';

/** A fixed pseudo-random normal stream (mulberry32 + Box-Muller), so each case is the same every run. */
function normals(seed: number, count: number): number[] {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from(
    { length: count },
    () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

const firstSignal = (chart: EwmaChart, zs: number[]) =>
  zs.findIndex((z) => chart.add({ z }).firing.length > 0);

describe('EwmaChart', () => {
  it('stays in control on 100 in-control subgroups', () => {
    const chart = new EwmaChart();
    const fired = normals(7, 100).flatMap((z) => chart.add({ z }).firing);
    expect(fired).toEqual([]);
  });

  it('signals beyond its limits soon after a 1.5-sigma shift, which one subgroup alone would not show', () => {
    const chart = new EwmaChart();
    for (const z of normals(11, 20)) chart.add({ z });
    const shifted = normals(12, 30).map((z) => z - 1.5);
    const at = firstSignal(chart, shifted);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(10);
    expect(chart.reading().firing).toContain('ewma_beyond_limits');
    expect(chart.reading().ewma).toBeLessThan(-chart.reading().limit);
  });

  it('has exact limits that widen towards the asymptote 3 * sqrt(0.2 / 1.8)', () => {
    const chart = new EwmaChart();
    const first = chart.add({ z: 0 }).limit;
    expect(first).toBeCloseTo(3 * 0.2, 6);
    for (let i = 0; i < 100; i++) chart.add({ z: 0 });
    expect(chart.reading().limit).toBeCloseTo(3 * Math.sqrt(0.2 / 1.8), 6);
  });

  it('fires the run rule on the 9th subgroup in a row on one side, and not on the 8th', () => {
    const chart = new EwmaChart({ limitSigma: 100 });
    const readings = Array.from({ length: 9 }, () => chart.add({ z: 0.1 }));
    expect(readings[7]?.firing).toEqual([]);
    expect(readings[8]?.firing).toEqual(['run_one_side']);
    expect(readings[8]?.run).toEqual({ side: 'above', length: 9, needed: 9 });
    // A point on the other side ends the run.
    expect(chart.add({ z: -0.1 }).firing).toEqual([]);
  });

  it('calibrates the run length to the odds of a side', () => {
    expect(calibratedRunLength(0.5, 9)).toBe(9);
    expect(calibratedRunLength(0.9, 9)).toBe(60);
    expect(calibratedRunLength(0.01, 9)).toBe(2);
    expect(calibratedRunLength(0, 9)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('binomialSides', () => {
  it.each([
    ['fair coin, 2 tosses', { n: 2, p: 0.5, above: 0.25, below: 0.25 }],
    ['a share near 1', { n: 20, p: 0.99, above: 0.99 ** 20, below: 1 - 0.99 ** 20 }],
  ])('%s', (_name, { n, p, above, below }) => {
    const sides = binomialSides(n, p);
    expect(sides.above).toBeCloseTo(above, 9);
    expect(sides.below).toBeCloseTo(below, 9);
  });
});
