/**
 * /monitoring/models/{name}/*: one model's health (engine state plus its recent error rate and
 * latency against the platform's alert thresholds), metrics (engine statistics plus stored
 * results) and anomalies (recent window against a baseline window, and this replica's control
 * charts per version).
 */
import type { Inspector, ModelStatistics } from '@chipq/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { modelWindowStats } from '../repositories/metrics-repository.js';
import type { AnomalyReportView, ModelHealthView, ModelMetricsView } from '../schemas/monitoring-schemas.js';
import { checkAnomalies } from './anomaly-rules.js';
import type { AnomalyMonitor } from './control-charts/anomaly-monitor.js';
import type { MetricsSummaryService } from './metrics-summary-service.js';
import type { ModelCatalog } from './model-catalog.js';

/** The platform's alert rules: failure ratio > 5 %, p95 latency > 2 s. */
const alertErrorRate = 0.05;
const alertP95Ms = 2000;

const minutesAgo = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);
const range = (from: Date, to: Date) => ({
  from: from.toISOString(),
  to: to.toISOString(),
  minutes: Math.round((to.getTime() - from.getTime()) / 60_000),
});
const avgMs = (d: { count: number; ns: number }) =>
  d.count === 0 ? null : Math.round(d.ns / d.count / 1e3) / 1e3;

function engineView(s: ModelStatistics) {
  return {
    version: s.version,
    inference_count: s.inferenceCount,
    execution_count: s.executionCount,
    success_count: s.inferenceStats.success.count,
    failure_count: s.inferenceStats.fail.count,
    avg_queue_ms: avgMs(s.inferenceStats.queue),
    avg_compute_ms: avgMs(s.inferenceStats.computeInfer),
    batch_sizes: s.batchStats.map((b) => ({ batch_size: b.batchSize, count: b.computeInfer.count })),
    last_inference_at: s.lastInference > 0 ? new Date(s.lastInference).toISOString() : null,
  };
}

export function createModelMonitoringService(options: {
  db: Kysely<Database>;
  inspector: Inspector;
  catalog: ModelCatalog;
  summaries: MetricsSummaryService;
  anomalies: AnomalyMonitor;
}) {
  const { db, inspector, catalog } = options;

  async function statistics(name: string): Promise<ModelStatistics[]> {
    // Statistics exist only for loaded models; an unloaded model simply has none.
    return inspector.engine.statistics(name).catch(() => []);
  }

  async function health(name: string, windowMinutes: number): Promise<ModelHealthView> {
    const status = await catalog.status(name);
    const now = new Date();
    const [stats, recent] = await Promise.all([
      statistics(name),
      modelWindowStats(db, name, { from: minutesAgo(now, windowMinutes), to: now }),
    ]);
    const errorRate = recent.count === 0 ? null : recent.failures / recent.count;
    const overThreshold = (errorRate ?? 0) > alertErrorRate || (recent.p95TotalMs ?? 0) > alertP95Ms;
    const last = Math.max(0, ...stats.map((s) => s.lastInference));
    return {
      name,
      status: !status.ready ? 'unhealthy' : overThreshold ? 'degraded' : 'healthy',
      ready: status.ready,
      state: status.state,
      reason: status.reason,
      versions: status.versions,
      recent: {
        window_minutes: windowMinutes,
        requests: recent.count,
        failures: recent.failures,
        error_rate: errorRate === null ? null : Math.round(errorRate * 10_000) / 10_000,
        p95_latency_ms: recent.p95TotalMs === null ? null : Math.round(recent.p95TotalMs * 1000) / 1000,
      },
      last_inference_at: last > 0 ? new Date(last).toISOString() : null,
    };
  }

  async function metrics(name: string, windowMinutes: number): Promise<ModelMetricsView> {
    await catalog.requireModel(name);
    const to = new Date();
    const from = minutesAgo(to, windowMinutes);
    // Versions pooled: this is the model's view; the summary endpoint keeps versions apart.
    const [stats, summary] = await Promise.all([
      statistics(name),
      options.summaries.summary({ from, to }, { model: name }, { perVersion: false }),
    ]);
    const pooled = summary.models[0];
    return {
      name,
      window: range(from, to),
      engine: stats.map(engineView),
      stored: {
        requests: pooled?.requests ?? 0,
        completed: pooled?.completed ?? 0,
        failed: pooled?.failed ?? 0,
        error_rate: pooled?.error_rate ?? null,
        throughput_per_s: pooled?.throughput_per_s ?? 0,
        latency_ms: pooled?.latency_ms ?? {},
        verdicts: pooled?.verdicts ?? {},
        defect_classes: pooled?.defect_classes ?? {},
      },
    };
  }

  async function anomalies(
    name: string,
    q: { window_minutes: number; baseline_minutes: number; min_samples: number; at?: string | undefined },
  ): Promise<AnomalyReportView> {
    await catalog.requireModel(name);
    const now = q.at === undefined ? new Date() : new Date(q.at);
    const windowFrom = minutesAgo(now, q.window_minutes);
    const baselineFrom = minutesAgo(windowFrom, q.baseline_minutes);
    const [observed, baseline] = await Promise.all([
      modelWindowStats(db, name, { from: windowFrom, to: now }),
      modelWindowStats(db, name, { from: baselineFrom, to: windowFrom }),
    ]);
    const checks = checkAnomalies(observed, baseline, {
      minObserved: q.min_samples,
      minBaseline: q.min_samples * 3,
    });
    const window = range(windowFrom, now);
    return {
      name,
      window,
      baseline_window: range(baselineFrom, windowFrom),
      anomalies: checks.flatMap((c) =>
        c.status === 'anomaly' &&
        c.severity !== null &&
        c.direction !== null &&
        c.observed !== null &&
        c.baseline !== null
          ? [
              {
                metric: c.metric,
                window,
                baseline: c.baseline,
                observed: c.observed,
                severity: c.severity,
                direction: c.direction,
                description: c.description,
                samples: c.samples,
              },
            ]
          : [],
      ),
      checks: checks.map((c) => ({
        metric: c.metric,
        status: c.status,
        observed: c.observed,
        baseline: c.baseline,
        description: c.description,
      })),
      control_charts: options.anomalies.report(name),
    };
  }

  return { health, metrics, anomalies };
}

export type ModelMonitoringService = ReturnType<typeof createModelMonitoringService>;
