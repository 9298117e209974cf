/**
 * deploy/ against the service it watches: every metric the recording rules, alert rules and
 * Grafana dashboard name is one the in-process service really exports on /metrics after a
 * predict, a recording rule defined in deploy/prometheus/recording-rules.yml, a series
 * Prometheus makes itself (`up`, `ALERTS`), or one of Triton's `nv_` series (checked against a
 * real Triton in test/triton/triton-metric-names.test.ts).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../services/inference/src/start-service.js';
import {
  createTestEnvironment,
  type TestEnvironment,
} from '../../services/inference/test/helpers/test-service.js';
import {
  dashboardExpressions,
  deployDir,
  exportedNames,
  metricNames,
  readRules,
} from './support/deploy-files.js';
import { predictForm } from './support/predict-form.js';

const prometheusOwn = new Set(['up', 'ALERTS']);

describe('metricNames', () => {
  it.each([
    [
      'a rate with labels and grouping',
      'sum by (le, model_name) (rate(x_bucket{a="b", c=~"d.*"}[5m]))',
      ['x_bucket'],
    ],
    [
      'a ratio of recordings',
      'chipq:a:rate5m / on(instance) group_left(pod) b_total offset 5m',
      ['chipq:a:rate5m', 'b_total'],
    ],
    ['Grafana variables and keywords', 'rate(y[$__rate_interval]) > bool 2 and z', ['y', 'z']],
    [
      'a templating query',
      'label_values(inference_requests_total, model_name)',
      ['inference_requests_total'],
    ],
  ])('finds the names in %s', (_name, expr, want) => {
    expect(metricNames(expr).sort()).toEqual([...want].sort());
  });
});

describe('deploy/ names only what the service exports', () => {
  let env: TestEnvironment;
  let service: RunningService;
  let exported: Set<string>;
  let recordings: Set<string>;

  beforeAll(async () => {
    env = await createTestEnvironment('pglite');
    service = await env.start();
    expect(
      (await service.app.request('/api/v1/inference/predict', { method: 'POST', body: predictForm() }))
        .status,
    ).toBe(200);
    exported = exportedNames(await (await service.app.request('/metrics')).text());
    recordings = new Set(
      (await readRules('recording-rules.yml')).groups.flatMap((g) => g.rules.map((r) => r.record ?? '')),
    );
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  const unknown = (names: string[]) =>
    names.filter(
      (n) => !exported.has(n) && !recordings.has(n) && !prometheusOwn.has(n) && !n.startsWith('nv_'),
    );

  it('exports the platform names and the chipq ones deploy/ relies on', () => {
    for (const name of [
      'model_inference_latency_seconds_bucket',
      'inference_requests_total',
      'prediction_confidence_bucket',
      'model_drift_score',
      'chipq_stage_duration_seconds_bucket',
      'chipq_http_requests_in_flight',
      'chipq_model_ready',
      'chipq_db_pool_connections',
      'chipq_engine_queue_depth',
      'chipq_anomaly_active',
    ])
      expect(exported, name).toContain(name);
    // The check below can fail: a made-up name is reported.
    expect(unknown(['chipq_no_such_metric', 'up'])).toEqual(['chipq_no_such_metric']);
  });

  it.each(['recording-rules.yml', 'alert-rules.yml'] as const)('%s', async (file) => {
    for (const group of (await readRules(file)).groups)
      for (const rule of group.rules)
        expect(unknown(metricNames(rule.expr)), rule.record ?? rule.alert).toEqual([]);
  });

  it('the Grafana dashboard', async () => {
    const expressions = await dashboardExpressions();
    expect(expressions.length).toBeGreaterThan(20);
    for (const { where, expr } of expressions)
      expect(unknown(metricNames(expr)), `${where}: ${expr}`).toEqual([]);
  });

  it('the stage histogram has every stage after a predict', async () => {
    const text = await (await service.app.request('/metrics')).text();
    for (const stage of ['decode', 'preprocess', 'queue', 'infer', 'postprocess', 'store'])
      expect(text).toContain(
        `chipq_stage_duration_seconds_count{stage="${stage}",model_name="diff_detector"} 1`,
      );
    const dashboard = await readFile(path.join(deployDir, 'grafana', 'chipq-inference.json'), 'utf8');
    expect(JSON.parse(dashboard).uid).toBe('chipq-inference');
  });
});
