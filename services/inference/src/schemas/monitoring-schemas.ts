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
});

export type HealthView = z.infer<typeof HealthSchema>;
export type ModelHealthView = z.infer<typeof ModelHealthSchema>;
export type ModelMetricsView = z.infer<typeof ModelMetricsSchema>;
export type AnomalyReportView = z.infer<typeof AnomalyReportSchema>;
