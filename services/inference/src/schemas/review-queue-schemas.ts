/** Schemas of GET /reviews/queue: the stored results a person should review next. */
import { z } from '@hono/zod-openapi';
import { modelName, modelVersion } from './common-schemas.js';
import { InferenceResultSchema } from './inference-schemas.js';
import { printableText, textInteger, textNumber } from './strict-fields.js';

const cursorPattern = /^[A-Za-z0-9_-]{20,200}$/;
const text = (example: string) => printableText(128).optional().openapi({ example });

export const ReviewQueueQuerySchema = z.object({
  model: modelName.optional(),
  version: modelVersion.optional(),
  lot_id: text('LOT-2026-0042'),
  wafer_id: text('W07'),
  station_id: text('AOI-3'),
  experiment_id: z.uuid().optional().openapi({ description: 'Only results served by this experiment.' }),
  experiment_arm: text('treatment').openapi({
    description: 'Only results served by this arm (with experiment_id).',
  }),
  verdict: z.enum(['PASS', 'FAIL', 'REVIEW']).optional().openapi({
    description: "Only results with this model verdict (REVIEW: only the model's REVIEW verdicts).",
  }),
  sample_rate: textNumber(0, 1)
    .default(0.1)
    .openapi({
      description:
        'Share of the PASS and FAIL results that join the queue after every REVIEW verdict, default 0.1. The sample is ' +
        'deterministic (a hash of the result id), so every replica and every page agrees on it; 1 takes them all.',
    }),
  include_reviewed: z.enum(['true', 'false']).default('false').openapi({
    description: 'Also list results that already have a review (default false: only unreviewed).',
  }),
  limit: textInteger(1, 200).default(50).openapi({ description: 'Items per page, default 50.' }),
  cursor: z
    .string()
    .regex(cursorPattern, 'expected a cursor returned as page.next_cursor')
    .optional()
    .openapi({ description: 'Opaque cursor from `page.next_cursor`; keep the same filters.' }),
});

export const ReviewQueueSchema = z
  .object({
    items: z.array(
      z.object({
        reason: z.enum(['review_verdict', 'sample']).openapi({
          description:
            '`review_verdict`: the model answered REVIEW; `sample`: picked by `sample_rate` among the rest.',
        }),
        result: InferenceResultSchema,
      }),
    ),
    page: z.object({
      limit: z.number().int(),
      next_cursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
    }),
  })
  .openapi('ReviewQueue', {
    description:
      'Completed results to review: every REVIEW verdict first, then the sample of the others; oldest first within each, so ' +
      'nothing waits forever. Pages are keyset-ordered, so reviews made meanwhile never shift a page.',
  });

export type ReviewQueueQuery = z.infer<typeof ReviewQueueQuerySchema>;
export type ReviewQueueView = z.infer<typeof ReviewQueueSchema>;
