/** Schemas of /monitoring: service health, per-model health, metrics and anomalies. */
import { z } from '@hono/zod-openapi';
import { ModelVersionSchema, modelStates } from './model-schemas.js';
import { textInteger } from './strict-fields.js';

const CheckSchema = z.object({
  status: z.enum(['ok', 'fail']),
  detail: z.string(),
  latency_ms: z.number().nullable(),
});

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'unavailable']).openapi({
      description:
        'ok: ready and every model READY; degraded: ready but some model is not; unavailable: not ready (HTTP 503).',
    }),
    live: z.boolean().openapi({ description: 'The process is up and serving (liveness).' }),
    ready: z
      .boolean()
      .openapi({ description: 'Database reachable, engine ready and at least one model READY (readiness).' }),
    environment: z.string(),
    uptime_s: z.number(),
    checks: z.object({
      database: CheckSchema.extend({ kind: z.enum(['postgres', 'pglite']) }),
      engine: CheckSchema.extend({ kind: z.string() }),
      models: z.array(
        z.object({
          name: z.string(),
          version: z.string(),
          state: z.enum(modelStates),
          ready: z.boolean(),
          reason: z.string(),
        }),
      ),
    }),
  })
  .openapi('Health');

export const HealthQuerySchema = z.object({
  probe: z.enum(['liveness', 'readiness']).default('readiness').openapi({
    description:
      '`liveness` answers 200 whenever the process serves; `readiness` (default) answers 503 when not ready.',
  }),
});

export const WindowQuerySchema = z.object({
  window_minutes: textInteger(1, 10_080)
    .default(60)
    .openapi({ description: 'Length of the window ending now, default 60.' }),
});

const RecentSchema = z.object({
  window_minutes: z.number().int(),
  requests: z.number().int(),
  failures: z.number().int(),
  error_rate: z.number().nullable(),
  p95_latency_ms: z.number().nullable(),
});

export const ModelHealthSchema = z
  .object({
    name: z.string(),
    status: z.enum(['healthy', 'degraded', 'unhealthy']).openapi({
      description:
        'unhealthy: no version ready (HTTP 503); degraded: ready but over the platform alert thresholds in the window (error rate > 5 % or p95 > 2 s); healthy otherwise.',
    }),
    ready: z.boolean(),
    state: z.enum(modelStates),
    reason: z.string(),
    versions: z.array(ModelVersionSchema),
    recent: RecentSchema,
    last_inference_at: z.iso.datetime().nullable().openapi({ description: "From the engine's statistics." }),
  })
  .openapi('ModelHealth');

const StageSchema = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });

const EngineStatisticsSchema = z
  .object({
    version: z.string(),
    inference_count: z.number().int(),
    execution_count: z.number().int(),
    success_count: z.number().int(),
    failure_count: z.number().int(),
    avg_queue_ms: z.number().nullable(),
    avg_compute_ms: z.number().nullable(),
    batch_sizes: z.array(z.object({ batch_size: z.number().int(), count: z.number().int() })),
    last_inference_at: z.iso.datetime().nullable(),
  })
  .openapi('EngineStatistics');

export const ModelMetricsSchema = z
  .object({
    name: z.string(),
    window: z.object({ from: z.iso.datetime(), to: z.iso.datetime(), minutes: z.number().int() }),
    engine: z.array(EngineStatisticsSchema).openapi({
      description: "The engine's cumulative statistics since the model was loaded, per version.",
    }),
    stored: z.object({
      requests: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
      error_rate: z.number().nullable(),
      throughput_per_s: z.number(),
      latency_ms: z.record(z.string(), StageSchema).openapi({
        description: 'Per stage: decode, preprocess, queue, infer, postprocess, total, service.',
      }),
      verdicts: z.record(z.string(), z.number().int()),
      defect_classes: z.record(z.string(), z.number().int()),
    }),
  })
  .openapi('ModelMetrics');

const TimeRangeSchema = z.object({ from: z.iso.datetime(), to: z.iso.datetime(), minutes: z.number().int() });

const AnomalySchema = z
  .object({
    metric: z.enum(['latency_p95_ms', 'error_rate', 'defect_rate']),
    window: TimeRangeSchema,
    baseline: z.number().openapi({ description: 'The metric over the baseline window.' }),
    observed: z.number().openapi({ description: 'The metric over the recent window.' }),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    direction: z.enum(['up', 'down']),
    description: z.string(),
    samples: z.object({ observed: z.number().int(), baseline: z.number().int() }),
  })
  .openapi('Anomaly');

const ControlChartSchema = z
  .object({
    chart: z.enum(['defect_rate', 'mean_confidence', 'confidence_drift', 'class_mix_drift']).openapi({
      description:
        "defect_rate: share of images with a defect; mean_confidence: mean of the images' mean detection confidence (both EWMA charts with a run rule); " +
        'confidence_drift / class_mix_drift: population stability index (PSI) of the detection confidences (baseline decile bins) and of the defect classes over the recent images.',
    }),
    status: z.enum(['learning', 'insufficient_data', 'in_control', 'out_of_control']),
    firing: z.array(z.enum(['ewma_beyond_limits', 'run_one_side', 'psi_major'])).openapi({
      description:
        'Rules signalling now: the EWMA outside its control limits; a run of subgroups on one side of the centre line (8 for a symmetric statistic, calibrated to the same false-alarm odds for a skewed one); PSI at or above the limit.',
    }),
    baseline: z
      .number()
      .nullable()
      .openapi({ description: "Centre line in the chart's unit; null for drift." }),
    observed: z
      .number()
      .nullable()
      .openapi({ description: "The last subgroup's statistic, or the last PSI." }),
    ewma: z
      .number()
      .nullable()
      .openapi({ description: 'EWMA in baseline standard errors (0 = centre line); null for drift.' }),
    limit: z
      .number()
      .nullable()
      .openapi({ description: 'Control limit (+-) of the EWMA, or the PSI limit (0.25).' }),
    run: z
      .object({
        side: z.enum(['above', 'below']),
        length: z.number().int(),
        needed: z.number().int().nullable(),
      })
      .nullable()
      .openapi({
        description:
          'The current run of subgroups on one side of the centre line, and the length that signals.',
      }),
    points: z.number().int().openapi({ description: 'Chart points so far: subgroups, or PSI evaluations.' }),
  })
  .openapi('ControlChart');

const ControlChartsSchema = z
  .object({
    model_version: z.string(),
    phase: z.enum(['learning', 'monitoring']).openapi({
      description:
        'learning: the first baseline_images images of the version form its baseline; monitoring afterwards.',
    }),
    images: z.number().int().openapi({ description: 'Images of this version the replica has charted.' }),
    baseline_images: z.number().int(),
    charts: z.array(ControlChartSchema),
  })
  .openapi('ControlCharts');

export const AnomalyReportSchema = z
  .object({
    name: z.string(),
    window: TimeRangeSchema,
    baseline_window: TimeRangeSchema,
    anomalies: z.array(AnomalySchema),
    checks: z.array(
      z.object({
        metric: z.enum(['latency_p95_ms', 'error_rate', 'defect_rate']),
        status: z.enum(['ok', 'anomaly', 'insufficient_data']),
        observed: z.number().nullable(),
        baseline: z.number().nullable(),
        description: z.string(),
      }),
    ),
    control_charts: z.array(ControlChartsSchema).openapi({
      description:
        "This replica's control charts, per version of the model it has served (each replica charts its own images; " +
        'baselines are learned from the first ANOMALY_BASELINE_IMAGES images of a version after start). ' +
        'A signal is also the metric chipq_anomaly_active{chart} (and model_drift_score for drift) and an "anomaly detected" log line.',
    }),
  })
  .openapi('AnomalyReport', {
    description:
      'Rules: latency p95 ratio >= 1.5 (low) / 2 / 3 / 5 (critical); error rate +2 / 5 / 10 / 25 percentage points with z >= 2 and >= 3 failures; ' +
      'defect rate (share of images with a defect) changed by 5 / 10 / 20 / 40 points either way with |z| >= 3. ' +
      'No verdict below the minimum sample counts.',
  });

export const AnomalyQuerySchema = z.object({
  window_minutes: textInteger(1, 1440)
    .default(15)
    .openapi({ description: 'Recent window ending now, default 15.' }),
  baseline_minutes: textInteger(1, 43_200)
    .default(1440)
    .openapi({ description: 'Baseline window just before it, default 1440 (24 h).' }),
  min_samples: textInteger(1, 100_000)
    .default(10)
    .openapi({ description: 'Minimum recent samples (the baseline needs 3x), default 10.' }),
  at: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({
      description:
        'End of the recent window (ISO 8601), default now. An earlier instant replays the window rules on the stored ' +
        'results as they stood then, so a chart can show anomalies over time.',
    }),
});

export type HealthView = z.infer<typeof HealthSchema>;
export type ModelHealthView = z.infer<typeof ModelHealthSchema>;
export type ModelMetricsView = z.infer<typeof ModelMetricsSchema>;
export type AnomalyReportView = z.infer<typeof AnomalyReportSchema>;
