/** Schemas of GET /inference/metrics/summary. */
import { z } from '@hono/zod-openapi';
import { modelName, modelVersion } from './common-schemas.js';
import { textInteger } from './strict-fields.js';

export const SummaryQuerySchema = z
  .object({
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Window start (ISO 8601). Default: `to` minus `window_minutes`.' }),
    to: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Window end (ISO 8601). Default: now.' }),
    window_minutes: textInteger(1, 525_600)
      .default(60)
      .openapi({ description: 'Window length when `from` is absent, default 60.' }),
    model: modelName.optional(),
    version: modelVersion.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'from must not be after to',
    path: ['from'],
  });

const StageSchema = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });

const ModelSummaryMetricsSchema = z.object({
  model: z.object({ name: z.string().nullable(), version: z.string().nullable() }),
  requests: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  error_rate: z.number().nullable(),
  throughput_per_s: z.number().openapi({ description: 'Completed inferences per second over the window.' }),
  latency_ms: z.record(z.string(), StageSchema).openapi({
    description:
      'p50/p95/p99 per stage (decode, preprocess, queue, infer, postprocess, total, service), over completed inferences.',
  }),
  verdicts: z.record(z.string(), z.number().int()).openapi({ example: { PASS: 120, FAIL: 7, REVIEW: 3 } }),
  defect_classes: z.record(z.string(), z.number().int()).openapi({ example: { short: 4, open: 2 } }),
});

export const MetricsSummarySchema = z
  .object({
    window: z.object({ from: z.iso.datetime(), to: z.iso.datetime(), seconds: z.number() }),
    totals: z.object({
      requests: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
      throughput_per_s: z.number(),
    }),
    models: z.array(ModelSummaryMetricsSchema),
  })
  .openapi('MetricsSummary');

export type MetricsSummaryView = z.infer<typeof MetricsSummarySchema>;
export type ModelSummaryMetricsView = z.infer<typeof ModelSummaryMetricsSchema>;
