import { describe, expect, it } from 'vitest';
import type { WindowStats } from '../repositories/metrics-repository.js';
import { checkAnomalies, proportionZ } from './anomaly-rules.js';

function stats(partial: Partial<WindowStats>): WindowStats {
  return {
    count: 100,
    failures: 0,
    completed: 100,
    defective: 10,
    p95TotalMs: 100,
    meanTotalMs: 80,
    ...partial,
  };
}

const thresholds = { minObserved: 10, minBaseline: 30 };

describe('checkAnomalies', () => {
  const cases: Array<
    [
      string,
      { observed: Partial<WindowStats>; baseline: Partial<WindowStats>; want: Record<string, unknown> },
    ]
  > = [
    [
      'steady values',
      {
        observed: {},
        baseline: { count: 1000, completed: 1000, defective: 100 },
        want: { latency_p95_ms: 'ok', error_rate: 'ok', defect_rate: 'ok' },
      },
    ],
    [
      'latency x2 is medium',
      { observed: { p95TotalMs: 200 }, baseline: {}, want: { latency_p95_ms: 'medium' } },
    ],
    [
      'latency x6 is critical',
      { observed: { p95TotalMs: 600 }, baseline: {}, want: { latency_p95_ms: 'critical' } },
    ],
    ['latency x1.2 is fine', { observed: { p95TotalMs: 120 }, baseline: {}, want: { latency_p95_ms: 'ok' } }],
    [
      'errors 0 -> 30 % is critical',
      {
        observed: { failures: 30, completed: 70, defective: 7 },
        baseline: {},
        want: { error_rate: 'critical' },
      },
    ],
    [
      'errors 0 -> 6 % is medium',
      {
        observed: { failures: 6, completed: 94, defective: 9 },
        baseline: { count: 1000, completed: 1000, defective: 100 },
        want: { error_rate: 'medium' },
      },
    ],
    [
      'one error in ten is noise',
      {
        observed: { count: 10, failures: 1, completed: 9, defective: 1 },
        baseline: {},
        want: { error_rate: 'ok' },
      },
    ],
    [
      'defects 10 -> 60 % is critical, up',
      {
        observed: { defective: 60 },
        baseline: {},
        want: { defect_rate: 'critical', defect_rate_direction: 'up' },
      },
    ],
    [
      'defects 30 -> 5 % is high, down',
      {
        observed: { defective: 5 },
        baseline: { defective: 30 },
        want: { defect_rate: 'high', defect_rate_direction: 'down' },
      },
    ],
    [
      'too few recent samples',
      {
        observed: { count: 5, completed: 5, defective: 5 },
        baseline: {},
        want: {
          latency_p95_ms: 'insufficient_data',
          error_rate: 'insufficient_data',
          defect_rate: 'insufficient_data',
        },
      },
    ],
  ];
  it.each(cases)('%s', (_name, { observed, baseline, want }) => {
    const checks = checkAnomalies(stats(observed), stats(baseline), thresholds);
    const got: Record<string, unknown> = {};
    for (const check of checks) {
      got[check.metric] = check.status === 'anomaly' ? check.severity : check.status;
      if (check.direction !== null) got[`${check.metric}_direction`] = check.direction;
    }
    expect(got).toMatchObject(want);
  });

  it('computes the two-proportion z statistic', () => {
    expect(proportionZ(0, 100, 0, 100)).toBe(0);
    expect(proportionZ(20, 100, 10, 100)).toBeCloseTo(1.98, 2);
  });
});
