import { describe, expect, it } from 'vitest';
import { alignedCategoryCounts, binCounts, decileEdges, psi } from './psi.js';

describe('psi', () => {
  it.each([
    ['identical shares', { baseline: [10, 20, 70], recent: [10, 20, 70], want: 0 }],
    ['the same shares at another scale', { baseline: [100, 200, 700], recent: [10, 20, 70], want: 0.000154 }],
    // (0.5-0.2)ln(0.5/0.2) + (0.5-0.8)ln(0.5/0.8), counts large enough that smoothing barely moves it.
    ['a major shift', { baseline: [20_000, 80_000], recent: [50_000, 50_000], want: 0.4159 }],
  ])('%s', (_name, { baseline, recent, want }) => {
    expect(psi(baseline, recent)).toBeCloseTo(want, 3);
  });

  it('stays finite when a bin is empty on one side', () => {
    expect(Number.isFinite(psi([100, 0], [0, 100]))).toBe(true);
    expect(psi([100, 0], [0, 100])).toBeGreaterThan(1);
  });
});

describe('decile bins', () => {
  it('put about a tenth of the baseline in each bin, and collapse repeated edges', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 0.75 + (0.25 * i) / 1000);
    const edges = decileEdges(values);
    expect(edges).toHaveLength(9);
    expect(binCounts(values, edges)).toEqual(new Array(10).fill(100));
    expect(decileEdges([0.9, 0.9, 0.9, 0.95])).toEqual([0.9, 0.95]);
  });

  it('align categories seen on either side', () => {
    const aligned = alignedCategoryCounts(
      new Map([
        ['open', 3],
        ['short', 1],
      ]),
      new Map([['spur', 2]]),
    );
    expect(aligned).toEqual({ baseline: [3, 1, 0], recent: [0, 0, 2] });
  });
});
