/** Schemas of the lot and wafer routes: lists, summaries, per-die states. */
import { z } from '@hono/zod-openapi';
import { modelName } from './common-schemas.js';
import { printableText, textInteger } from './strict-fields.js';

const cursorPattern = /^[A-Za-z0-9_-]{20,400}$/;
const traceId = printableText(128);

export const LotParamsSchema = z.object({
  lot_id: traceId.openapi({ param: { name: 'lot_id', in: 'path' }, example: 'LOT-2026-0042' }),
});

export const WaferParamsSchema = LotParamsSchema.extend({
  wafer_id: traceId.openapi({ param: { name: 'wafer_id', in: 'path' }, example: 'W07' }),
});

export const LotListQuerySchema = z
  .object({
    station_id: traceId.optional().openapi({ description: 'Only lots with results from this station.' }),
    model: modelName.optional().openapi({ description: 'Only lots with results from this model.' }),
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Only lots with a result at or after this instant.' }),
    to: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Only lots with a result before this instant.' }),
    limit: textInteger(1, 200).default(50).openapi({ description: 'Lots per page (1-200), default 50.' }),
    cursor: z
      .string()
      .regex(cursorPattern, 'expected a cursor returned as page.next_cursor')
      .optional()
      .openapi({ description: 'Opaque cursor from `page.next_cursor`; keep the same filters.' }),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'from must not be after to',
    path: ['from'],
  });

const VerdictMixSchema = z
  .object({
    pass: z.number().int(),
    fail: z.number().int(),
    review: z.number().int(),
    no_verdict: z.number().int().openapi({ description: 'Dies whose every inspection failed (no verdict).' }),
  })
  .openapi('VerdictMix', { description: 'Dies by the verdict of their latest completed result.' });

const yieldField = z.number().min(0).max(1).nullable().openapi({
  description: 'PASS dies / dies with a verdict (0-1); null when no die has one.',
  example: 0.94,
});

const DieSummaryFields = {
  dies_inspected: z.number().int().openapi({
    description:
      'Distinct dies (wafer_id, die_x, die_y); a re-inspected die counts once, with its latest result.',
  }),
  verdicts: VerdictMixSchema,
  yield: yieldField,
  defects: z.number().int().openapi({ description: "Defects in each die's latest result." }),
  results: z
    .number()
    .int()
    .openapi({ description: 'Stored results of any status, re-inspections included.' }),
  failed_results: z
    .number()
    .int()
    .openapi({ description: 'Results that did not complete (failed, timeout, cancelled).' }),
  unplaced_results: z
    .number()
    .int()
    .openapi({ description: 'Results without die_x/die_y: listed, not in die figures.' }),
  first_inspected_at: z.iso.datetime(),
  last_inspected_at: z.iso.datetime(),
};

const LotListItemSchema = z
  .object({ lot_id: z.string(), wafers: z.number().int(), ...DieSummaryFields })
  .openapi('LotListItem');

export const LotListSchema = z
  .object({
    items: z.array(LotListItemSchema),
    page: z.object({ limit: z.number().int(), next_cursor: z.string().nullable() }),
  })
  .openapi('LotList');

const WaferSummarySchema = z.object({ wafer_id: z.string(), ...DieSummaryFields }).openapi('WaferSummary');

const ClassCountSchema = z.object({
  defect_type: z.string(),
  class_id: z.number().int(),
  count: z.number().int(),
});

export const LotSummarySchema = z
  .object({
    lot_id: z.string(),
    ...DieSummaryFields,
    wafers: z.array(WaferSummarySchema),
    defects_by_class: z
      .array(ClassCountSchema)
      .openapi({ description: "Over each die's latest result, most frequent first." }),
    models: z.array(z.object({ name: z.string(), version: z.string(), results: z.number().int() })),
  })
  .openapi('LotSummary');

export const WaferDetailSchema = z
  .object({
    lot_id: z.string(),
    wafer_id: z.string(),
    ...DieSummaryFields,
    defects_by_class: z.array(ClassCountSchema),
    dies: z.array(
      z.object({
        die_x: z.number().int(),
        die_y: z.number().int(),
        verdict: z.enum(['PASS', 'FAIL', 'REVIEW']).nullable().openapi({
          description: 'Of the latest completed result; null when every inspection of the die failed.',
        }),
        defect_count: z.number().int(),
        latest_result_id: z.uuid(),
        result_ids: z.array(z.uuid()).openapi({ description: 'Every result of this die, newest first.' }),
        inspected_at: z.iso.datetime(),
      }),
    ),
    unplaced_result_ids: z
      .array(z.uuid())
      .openapi({ description: 'Results of this wafer without die coordinates.' }),
  })
  .openapi('WaferDetail');

export type LotListQuery = z.infer<typeof LotListQuerySchema>;
export type LotListView = z.infer<typeof LotListSchema>;
export type LotSummaryView = z.infer<typeof LotSummarySchema>;
export type WaferDetailView = z.infer<typeof WaferDetailSchema>;
