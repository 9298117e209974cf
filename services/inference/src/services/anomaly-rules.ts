/**
 * The first anomaly rules: compare a model's recent window with its baseline window for
 * latency (p95), error rate and defect rate, and grade how far off the recent value is.
 * Pure functions over counts so the thresholds are tested table by table.
 *
 * - latency_p95_ms: ratio observed / baseline; >= 1.5 low, 2 medium, 3 high, 5 critical.
 * - error_rate: increase in percentage points, when a two-proportion z-test gives z >= 2 and
 *   the window has at least 3 failures (the z-test overstates one failure among few requests);
 *   >= 2 pp low, 5 pp medium (the platform alerts at 5 %), 10 pp high, 25 pp critical.
 * - defect_rate: change either way (a drop can mean a broken camera or model), |z| >= 3;
 *   >= 5 pp low, 10 pp medium, 20 pp high, 40 pp critical.
 * No verdict without `minObserved` recent and `minBaseline` baseline samples.
 */
import type { WindowStats } from '../repositories/metrics-repository.js';

type AnomalySeverity = 'low' | 'medium' | 'high' | 'critical';
type AnomalyMetric = 'latency_p95_ms' | 'error_rate' | 'defect_rate';

export interface MetricCheck {
  metric: AnomalyMetric;
  status: 'ok' | 'anomaly' | 'insufficient_data';
  observed: number | null;
  baseline: number | null;
  severity: AnomalySeverity | null;
  direction: 'up' | 'down' | null;
  samples: { observed: number; baseline: number };
  description: string;
}

export interface AnomalyThresholds {
  minObserved: number;
  minBaseline: number;
}

function grade(value: number, steps: [number, number, number, number]): AnomalySeverity | null {
  const [low, medium, high, critical] = steps;
  if (value >= critical) return 'critical';
  if (value >= high) return 'high';
  if (value >= medium) return 'medium';
  if (value >= low) return 'low';
  return null;
}

/** Two-proportion z statistic (0 when both proportions are 0 or 1). */
export function proportionZ(x1: number, n1: number, x0: number, n0: number): number {
  const pooled = (x1 + x0) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  return se === 0 ? 0 : (x1 / n1 - x0 / n0) / se;
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;

export function checkAnomalies(
  observed: WindowStats,
  baseline: WindowStats,
  thresholds: AnomalyThresholds,
): MetricCheck[] {
  const enough = (o: number, b: number) => o >= thresholds.minObserved && b >= thresholds.minBaseline;
  const insufficient = (metric: AnomalyMetric, o: number, b: number): MetricCheck => ({
    metric,
    status: 'insufficient_data',
    observed: null,
    baseline: null,
    severity: null,
    direction: null,
    samples: { observed: o, baseline: b },
    description: `needs at least ${thresholds.minObserved} recent and ${thresholds.minBaseline} baseline samples, has ${o} and ${b}`,
  });
  const checks: MetricCheck[] = [];

  // Latency over completed inferences.
  if (
    !enough(observed.completed, baseline.completed) ||
    observed.p95TotalMs === null ||
    baseline.p95TotalMs === null
  ) {
    checks.push(insufficient('latency_p95_ms', observed.completed, baseline.completed));
  } else {
    const ratio = baseline.p95TotalMs > 0 ? observed.p95TotalMs / baseline.p95TotalMs : 1;
    const severity = grade(ratio, [1.5, 2, 3, 5]);
    checks.push({
      metric: 'latency_p95_ms',
      status: severity === null ? 'ok' : 'anomaly',
      observed: round(observed.p95TotalMs),
      baseline: round(baseline.p95TotalMs),
      severity,
      direction: severity === null ? null : 'up',
      samples: { observed: observed.completed, baseline: baseline.completed },
      description: `p95 latency ${ratio.toFixed(2)}x the baseline`,
    });
  }

  // Error rate over all requests.
  if (!enough(observed.count, baseline.count)) {
    checks.push(insufficient('error_rate', observed.count, baseline.count));
  } else {
    const o = observed.failures / observed.count;
    const b = baseline.failures / baseline.count;
    const z = proportionZ(observed.failures, observed.count, baseline.failures, baseline.count);
    const severity = z >= 2 && observed.failures >= 3 ? grade((o - b) * 100, [2, 5, 10, 25]) : null;
    checks.push({
      metric: 'error_rate',
      status: severity === null ? 'ok' : 'anomaly',
      observed: round(o),
      baseline: round(b),
      severity,
      direction: severity === null ? null : 'up',
      samples: { observed: observed.count, baseline: baseline.count },
      description: `error rate ${(o * 100).toFixed(1)} % vs ${(b * 100).toFixed(1)} % (z = ${z.toFixed(2)})`,
    });
  }

  // Defect rate over completed inferences, both directions.
  if (!enough(observed.completed, baseline.completed)) {
    checks.push(insufficient('defect_rate', observed.completed, baseline.completed));
  } else {
    const o = observed.defective / observed.completed;
    const b = baseline.defective / baseline.completed;
    const z = proportionZ(observed.defective, observed.completed, baseline.defective, baseline.completed);
    const severity = Math.abs(z) >= 3 ? grade(Math.abs(o - b) * 100, [5, 10, 20, 40]) : null;
    checks.push({
      metric: 'defect_rate',
      status: severity === null ? 'ok' : 'anomaly',
      observed: round(o),
      baseline: round(b),
      severity,
      direction: severity === null ? null : o > b ? 'up' : 'down',
      samples: { observed: observed.completed, baseline: baseline.completed },
      description: `images with defects ${(o * 100).toFixed(1)} % vs ${(b * 100).toFixed(1)} % (z = ${z.toFixed(2)})`,
    });
  }
  return checks;
}
