import { describe, expect, it } from 'vitest';
import { wilsonEstimate } from './wilson-interval.js';

// Reference values: Wilson (1927) score interval at z = 1.96, as tabulated by Newcombe (1998).
describe('wilsonEstimate', () => {
  it.each([
    ['0 of 10', { given: [0, 10], want: { value: 0, low: 0, high: 0.2775 } }],
    ['10 of 10', { given: [10, 10], want: { value: 1, low: 0.7225, high: 1 } }],
    ['5 of 10', { given: [5, 10], want: { value: 0.5, low: 0.2366, high: 0.7634 } }],
    ['81 of 263', { given: [81, 263], want: { value: 0.308, low: 0.2553, high: 0.3662 } }],
  ])('%s', (_, { given, want }) => {
    const estimate = wilsonEstimate(given[0] as number, given[1] as number);
    expect(estimate?.value).toBeCloseTo(want.value, 3);
    expect(estimate?.low).toBeCloseTo(want.low, 3);
    expect(estimate?.high).toBeCloseTo(want.high, 3);
  });

  it('has no estimate without trials', () => {
    expect(wilsonEstimate(0, 0)).toBeNull();
  });
});
