/**
 * /monitoring and /inference/metrics/summary on PGlite and PostgreSQL: readiness from the real
 * database and engine, per-model health and metrics from engine statistics and stored
 * results, and anomalies against a seeded baseline.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertInference } from '../src/repositories/inference-repository.js';
import type { RunningService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { adminHeaders, createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

describe.each(databaseKinds)('monitoring on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);

  beforeAll(async () => {
    if (skip) return;
    env = await createTestEnvironment(kind, ['diff_detector', 'broken']);
    service = await env.start({ worker: false });
    for (const image of [topLeftDefect(), topLeftDefect(), blank()]) {
      await request('/inference/predict', { method: 'POST', body: form({ image, reference: blank() }) });
    }
    await request('/inference/predict', {
      method: 'POST',
      body: form({ image: new Uint8Array([1, 2, 3]), reference: blank() }),
    });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)('reports ready but degraded while one model is unavailable', async () => {
    const response = await request('/monitoring/health');
    expect(response.status).toBe(200);
    const health = await body(response);
    expect(health).toMatchObject({ status: 'degraded', live: true, ready: true, environment: 'development' });
    expect(health.checks.database).toMatchObject({ kind, status: 'ok' });
    expect(health.checks.engine).toMatchObject({ kind: 'onnx', status: 'ok' });
    expect(health.checks.models).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'diff_detector', state: 'READY', ready: true }),
        expect.objectContaining({ name: 'broken', ready: false }),
      ]),
    );
  });

  // PGlite has one connection: a probe of its own would wait for the transaction to end.
  it.skipIf(skip || kind !== 'pglite')(
    "answers ready while a transaction (a batch worker's) holds the database's only connection",
    async () => {
      let release: () => void = () => {};
      let entered: () => void = () => {};
      const inTransaction = new Promise<void>((resolve) => (entered = resolve));
      const transaction = service.database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        entered();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await inTransaction;
      const response = await request('/monitoring/health');
      release();
      await transaction;
      expect(response.status).toBe(200);
      expect((await body(response)).checks.database).toMatchObject({ status: 'ok' });
    },
  );

  it.skipIf(skip)("reports a model's health from the engine and its recent results", async () => {
    const response = await request('/monitoring/models/diff_detector/health?window_minutes=30');
    expect(response.status).toBe(200);
    const health = await body(response);
    expect(health).toMatchObject({
      name: 'diff_detector',
      ready: true,
      state: 'READY',
      recent: { window_minutes: 30, requests: 4, failures: 1 },
    });
    // One failure in four is above the platform's 5 % alert.
    expect(health.status).toBe('degraded');
    expect(health.recent.error_rate).toBeCloseTo(0.25, 5);
    expect(health.last_inference_at).not.toBeNull();
    expect((await request('/monitoring/models/nope/health')).status).toBe(404);
  });

  it.skipIf(skip)("reports a model's metrics", async () => {
    const metrics = await body(await request('/monitoring/models/diff_detector/metrics'));
    expect(metrics.engine[0]).toMatchObject({ version: '1' });
    expect(metrics.engine[0].inference_count).toBeGreaterThanOrEqual(3);
    expect(metrics.engine[0].batch_sizes.length).toBeGreaterThan(0);
    expect(metrics.stored).toMatchObject({
      requests: 4,
      completed: 3,
      failed: 1,
      defect_classes: { top_left: 2 },
    });
    expect(metrics.stored.latency_ms.total.p50).toBeGreaterThan(0);
    expect((await request('/monitoring/models/nope/metrics')).status).toBe(404);
  });

  it.skipIf(skip)('summarises a window per model and version', async () => {
    const summary = await body(await request('/inference/metrics/summary?window_minutes=60'));
    expect(summary.window.seconds).toBe(3600);
    const model = summary.models.find(
      (m: { model: { name: string; version: string } }) =>
        m.model.name === 'diff_detector' && m.model.version === '1',
    );
    expect(model).toMatchObject({ requests: 3, completed: 3, failed: 0, defect_classes: { top_left: 2 } });
    expect(model.verdicts.PASS).toBe(1);
    for (const stage of ['decode', 'preprocess', 'queue', 'infer', 'postprocess', 'total', 'service']) {
      const { p50, p95, p99 } = model.latency_ms[stage];
      expect(p50, stage).toBeLessThanOrEqual(p95);
      expect(p95, stage).toBeLessThanOrEqual(p99);
    }
    expect(model.throughput_per_s).toBeCloseTo(3 / 3600, 5);
    // The failed request had no version: its own row, counted in the totals.
    expect(summary.totals).toMatchObject({ requests: 4, completed: 3, failed: 1 });
    const filtered = await body(await request('/inference/metrics/summary?model=nope'));
    expect(filtered.models).toEqual([]);
    const ranged = await body(
      await request(
        `/inference/metrics/summary?from=${new Date(Date.now() - 60_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`,
      ),
    );
    expect(ranged.totals.requests).toBe(4);
    const invalid = await request(
      '/inference/metrics/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z&window_minutes=0',
    );
    expect(invalid.status).toBe(400);
    expect((await body(invalid)).errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'from',
      'window_minutes',
    ]);
  });

  it.skipIf(skip)('says there is not enough data for anomalies on a quiet model', async () => {
    const report = await body(await request('/monitoring/models/diff_detector/anomalies'));
    expect(report.anomalies).toEqual([]);
    expect(report.checks.map((c: { status: string }) => c.status)).toEqual([
      'insufficient_data',
      'insufficient_data',
      'insufficient_data',
    ]);
    // Its three completed images are this replica's control charts' first, still learning.
    expect(report.control_charts).toEqual([
      expect.objectContaining({ model_version: '1', phase: 'learning', images: 3, baseline_images: 1000 }),
    ]);
    expect(report.control_charts[0].charts.map((c: { status: string }) => c.status)).toEqual([
      'learning',
      'learning',
      'learning',
      'learning',
    ]);
  });

  it.skipIf(skip)('flags latency, error-rate and defect-rate anomalies against the baseline', async () => {
    // Seed a model without live traffic: a calm hour-long baseline, then a bad recent window.
    const now = Date.now();
    const rows = [
      ...Array.from({ length: 60 }, (_, i) => ({
        at: now - (20 + i / 2) * 60_000,
        failed: false,
        ms: 10 + (i % 3),
        defects: 0,
      })),
      ...Array.from({ length: 20 }, (_, i) => ({
        at: now - (1 + i / 10) * 60_000,
        failed: i < 8,
        ms: 80,
        defects: 1,
      })),
    ];
    for (const row of rows) {
      await insertInference(service.database.db, {
        id: randomUUID(),
        status: row.failed ? 'failed' : 'completed',
        model_name: 'broken',
        model_version: '1',
        image_sha256: 'seed',
        image_bytes: 1,
        tags: '{}',
        total_ms: row.failed ? null : row.ms,
        detection_count: row.failed ? 0 : row.defects,
        error_code: row.failed ? 'INFERENCE_FAILED' : null,
        created_at: new Date(row.at),
      });
    }
    const response = await request(
      '/monitoring/models/broken/anomalies?window_minutes=15&baseline_minutes=60&min_samples=10',
    );
    expect(response.status).toBe(200);
    const report = await body(response);
    expect(report.window.minutes).toBe(15);
    expect(report.baseline_window.minutes).toBe(60);
    const byMetric = Object.fromEntries(report.anomalies.map((a: { metric: string }) => [a.metric, a]));
    expect(byMetric.error_rate).toMatchObject({
      severity: 'critical',
      direction: 'up',
      baseline: 0,
      observed: 0.4,
      samples: { observed: 20, baseline: 60 },
    });
    expect(byMetric.latency_p95_ms).toMatchObject({ severity: 'critical', direction: 'up', observed: 80 });
    expect(byMetric.defect_rate).toMatchObject({
      severity: 'critical',
      direction: 'up',
      baseline: 0,
      observed: 1,
    });
    expect(report.anomalies[0].window).toEqual(report.window);

    // Replayed 1.45 minutes ago, the recent window held 15 of the bad rows, 3 of them failed; 25
    // minutes ago it held only calm rows, and every check was ok.
    const at = async (minutesAgo: number) =>
      body(
        await request(
          `/monitoring/models/broken/anomalies?window_minutes=15&baseline_minutes=60&min_samples=5&at=${new Date(now - minutesAgo * 60_000).toISOString()}`,
        ),
      );
    const earlier = await at(1.45);
    expect(earlier.window.to).toBe(new Date(now - 1.45 * 60_000).toISOString());
    expect(earlier.anomalies.find((a: { metric: string }) => a.metric === 'error_rate')).toMatchObject({
      severity: 'high',
      observed: 0.2,
      samples: { observed: 15, baseline: 60 },
    });
    const calm = await at(25);
    expect(calm.anomalies).toEqual([]);
    expect(calm.checks.map((c: { status: string }) => c.status)).toEqual(['ok', 'ok', 'ok']);
  });
  // Last: unloading resets the engine statistics the tests above read.
  it.skipIf(skip)('answers 503 when no model is ready, 200 for the liveness probe', async () => {
    await request('/models/diff_detector/unload', { method: 'POST', headers: adminHeaders });
    try {
      const readiness = await request('/monitoring/health');
      expect(readiness.status).toBe(503);
      expect(await body(readiness)).toMatchObject({
        status: 'unavailable',
        ready: false,
        checks: { engine: { status: 'fail' } },
      });
      expect((await request('/monitoring/health?probe=liveness')).status).toBe(200);
      const model = await request('/monitoring/models/diff_detector/health');
      expect(model.status).toBe(503);
      expect(await body(model)).toMatchObject({ status: 'unhealthy', ready: false });
    } finally {
      await request('/models/diff_detector/load', { method: 'POST', headers: adminHeaders });
    }
    const bad = await request('/monitoring/health?probe=sometimes');
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors[0]).toMatchObject({ field: 'probe', in: 'query' });
  });
});
