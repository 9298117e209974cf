/**
 * Schemas of GET /reviews/quality: precision and recall from human reviews, per model version
 * or experiment arm, over time.
 */
import { z } from '@hono/zod-openapi';
import { modelName, modelVersion } from './common-schemas.js';

export const ReviewQualityQuerySchema = z
  .object({
    model: modelName.optional(),
    version: modelVersion.optional(),
    experiment_id: z.uuid().optional().openapi({ description: 'Only results served by this experiment.' }),
    by: z
      .enum(['version', 'arm'])
      .default('version')
      .openapi({
        description:
          '`version` (default): one group per model version; `arm`: per version and experiment arm, the arm recorded on ' +
          'each result (results served outside any experiment form their own group, with `experiment: null`).',
      }),
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Only results inspected at or after this instant (ISO 8601). Default: all.' }),
    to: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Only results inspected before this instant (ISO 8601). Default: all.' }),
    bucket: z
      .enum(['hour', 'day', 'week', 'all'])
      .default('day')
      .openapi({ description: 'Time buckets (UTC) of the inspection time, default day; `all`: one bucket.' }),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'from must not be after to',
    path: ['from'],
  });

const EstimateSchema = z
  .object({
    value: z.number(),
    low: z.number().openapi({ description: 'Lower end of the 95 % Wilson score interval.' }),
    high: z.number().openapi({ description: 'Upper end of the 95 % Wilson score interval.' }),
  })
  .openapi('Estimate');

const QualityFiguresSchema = z.object({
  reviewed: z.number().int().openapi({ description: 'Results with a current review.' }),
  true_defects: z.number().int(),
  false_alarms: z.number().int(),
  missed: z.number().int(),
  precision: EstimateSchema.nullable().openapi({
    description: 'true_defects / (true_defects + false_alarms); null without a detection.',
  }),
  recall: EstimateSchema.nullable().openapi({
    description: 'true_defects / (true_defects + missed); null without a defect.',
  }),
  verdict_agreement: EstimateSchema.nullable().openapi({
    description: "Share of the model's PASS and FAIL verdicts the operator confirmed; null without one.",
  }),
  verdicts_compared: z.number().int(),
  review_verdicts: z
    .number()
    .int()
    .openapi({ description: 'Reviewed results the model had left to REVIEW.' }),
});

export const ReviewQualitySchema = z
  .object({
    bucket: z.enum(['hour', 'day', 'week', 'all']),
    by: z.enum(['version', 'arm']),
    groups: z.array(
      z.object({
        model: z.object({ name: z.string().nullable(), version: z.string().nullable() }),
        experiment: z.object({ id: z.uuid(), arm: z.string() }).nullable().openapi({
          description: 'The experiment arm (with `by=arm`); null per version, or outside experiments.',
        }),
        total: QualityFiguresSchema,
        buckets: z.array(
          QualityFiguresSchema.extend({
            start: z.iso
              .datetime()
              .nullable()
              .openapi({ description: 'Bucket start (UTC); null for `all`.' }),
          }),
        ),
      }),
    ),
  })
  .openapi('ReviewQuality', {
    description:
      'From the current review of each result (a re-review replaces the earlier one), grouped by the model version that ' +
      'produced the result and bucketed by when it was inspected.',
  });

export type ReviewQualityQuery = z.infer<typeof ReviewQualityQuerySchema>;
export type ReviewQualityView = z.infer<typeof ReviewQualitySchema>;
