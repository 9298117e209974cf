// The charts' signals as operators see them: the Prometheus series the alert rules query, one
// "anomaly detected" log line (real pino), the monitoring report, and subscribe() for events.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger.js';
import { createServiceMetrics } from '../../observability/service-metrics.js';
import { type AnomalySignal, createAnomalyMonitor } from './anomaly-monitor.js';

/** A deterministic stream of inspections: 1-4 detections per image, confidences in [low, low + 0.1). */
function* inspections(low: number, classes: readonly string[], seed = 1) {
  // mulberry32: a small, well-mixed 32-bit generator.
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; ; i++) {
    const count = 1 + Math.floor(next() * 4);
    yield {
      model: { name: 'pcb', version: '3' },
      detections: Array.from({ length: count }, (_, j) => ({
        confidence: low + 0.1 * next(),
        className: classes[(i + j) % classes.length] as string,
      })),
    };
  }
}

function setUp() {
  const lines: string[] = [];
  const metrics = createServiceMetrics();
  const monitor = createAnomalyMonitor({
    metrics,
    logger: createLogger('info', {}, { write: (line: string) => lines.push(line) }),
    charts: { baselineImages: 100, subgroupSize: 5, driftWindowImages: 40 },
    confidenceThreshold: 0.5,
    now: () => Date.parse('2026-11-26T01:00:00Z'),
  });
  const signals: AnomalySignal[] = [];
  monitor.subscribe((s) => signals.push(s));
  const feed = (stream: ReturnType<typeof inspections>, images: number) => {
    for (let i = 0; i < images; i++) monitor.observe(stream.next().value as never);
  };
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { metrics, monitor, signals, feed, records };
}

const series = async (metrics: ReturnType<typeof createServiceMetrics>, name: string) =>
  (await metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#'));

describe('anomaly monitor', () => {
  it('learns a baseline, stays quiet on a steady stream and shows 0 for every chart', async () => {
    const { metrics, monitor, signals, feed, records } = setUp();
    const steady = inspections(0.85, ['open', 'short', 'spur']);
    feed(steady, 99);
    expect(monitor.report('pcb')[0]).toMatchObject({ model_version: '3', phase: 'learning', images: 99 });
    feed(steady, 400);
    const [charts] = monitor.report('pcb');
    expect(charts?.phase).toBe('monitoring');
    expect(charts?.charts.map((c) => [c.chart, c.status])).toEqual([
      ['defect_rate', 'in_control'],
      ['mean_confidence', 'in_control'],
      ['confidence_drift', 'in_control'],
      ['class_mix_drift', 'in_control'],
    ]);
    expect(signals).toEqual([]);
    expect(records().filter((r) => r.message === 'anomaly detected')).toEqual([]);
    expect(await series(metrics, 'chipq_anomaly_active')).toContain(
      'chipq_anomaly_active{model_name="pcb",model_version="3",chart="mean_confidence"} 0',
    );
  });

  it('raises a mean-confidence and drift signal on a shifted stream: metric, log line, event, report', async () => {
    const { metrics, monitor, signals, feed, records } = setUp();
    feed(inspections(0.85, ['open', 'short', 'spur']), 140);
    feed(inspections(0.76, ['open', 'short', 'spur'], 2), 40);
    const raised = signals.filter((s) => s.state === 'raised').map((s) => `${s.chart}/${s.rule}`);
    expect(raised).toContain('mean_confidence/ewma_beyond_limits');
    expect(raised).toContain('confidence_drift/psi_major');
    expect(raised).not.toContain('class_mix_drift/psi_major');
    expect(await series(metrics, 'chipq_anomaly_active')).toContain(
      'chipq_anomaly_active{model_name="pcb",model_version="3",chart="mean_confidence"} 1',
    );
    expect(await series(metrics, 'chipq_anomalies_total')).toContain(
      'chipq_anomalies_total{model_name="pcb",model_version="3",chart="mean_confidence",rule="ewma_beyond_limits"} 1',
    );
    const drift = (await series(metrics, 'model_drift_score')).find((l) =>
      l.includes('feature="confidence"'),
    );
    expect(Number(drift?.split(' ').at(-1))).toBeGreaterThanOrEqual(0.25);
    const line = records().find((r) => r.message === 'anomaly detected' && r.chart === 'mean_confidence');
    expect(line).toMatchObject({
      level: 'warn',
      state: 'raised',
      model_name: 'pcb',
      model_version: '3',
      rule: 'ewma_beyond_limits',
      at: '2026-11-26T01:00:00.000Z',
    });
    expect(line?.observed).toBeLessThan(line?.baseline as number);
    const chart = monitor.report('pcb')[0]?.charts.find((c) => c.chart === 'mean_confidence');
    expect(chart).toMatchObject({ status: 'out_of_control' });
    expect(chart?.firing).toContain('ewma_beyond_limits');
  });

  it('clears the signal when the stream returns to its baseline', async () => {
    const { metrics, signals, feed, records } = setUp();
    feed(inspections(0.85, ['open', 'short', 'spur']), 140);
    feed(inspections(0.76, ['open', 'short', 'spur'], 2), 40);
    feed(inspections(0.85, ['open', 'short', 'spur'], 3), 200);
    expect(signals.filter((s) => s.state === 'cleared').map((s) => s.chart)).toContain('mean_confidence');
    expect(records().some((r) => r.message === 'anomaly cleared')).toBe(true);
    expect(await series(metrics, 'chipq_anomaly_active')).toContain(
      'chipq_anomaly_active{model_name="pcb",model_version="3",chart="mean_confidence"} 0',
    );
  });

  it('keeps a failing subscriber from failing the inspection', () => {
    const { monitor, feed, records } = setUp();
    monitor.subscribe(() => {
      throw new Error('subscriber down');
    });
    feed(inspections(0.85, ['open']), 140);
    expect(() => feed(inspections(0.7, ['open'], 2), 40)).not.toThrow();
    expect(records().some((r) => r.message === 'an anomaly subscriber failed')).toBe(true);
  });

  it('moves the class-mix chart when the defect classes change', () => {
    const { signals, feed } = setUp();
    feed(inspections(0.85, ['open', 'short', 'spur']), 140);
    feed(inspections(0.85, ['mousebite'], 2), 40);
    expect(signals.map((s) => `${s.chart}/${s.rule}`)).toContain('class_mix_drift/psi_major');
  });
});
