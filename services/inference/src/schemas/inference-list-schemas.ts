/** Schemas of GET /inference: the stored results, filtered, newest first, a page at a time. */
import { z } from '@hono/zod-openapi';
import { modelName, modelVersion } from './common-schemas.js';
import { InferenceResultSchema, jobStatuses } from './inference-schemas.js';
import { printableText, textInteger } from './strict-fields.js';

/** Opaque to callers; base64url of `<created_at ISO>|<id>` (the keyset of the ordering). */
const cursorPattern = /^[A-Za-z0-9_-]{20,200}$/;

const text = (example: string) => printableText(128).optional().openapi({ example });

export const InferenceListQuerySchema = z
  .object({
    lot_id: text('LOT-2026-0042'),
    wafer_id: text('W07'),
    station_id: text('AOI-3'),
    batch_id: z.uuid().optional().openapi({ description: 'Only the results of this batch.' }),
    verdict: z.enum(['PASS', 'FAIL', 'REVIEW']).optional(),
    status: z.enum(jobStatuses).optional(),
    model: modelName.optional(),
    version: modelVersion.optional(),
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Only results created at or after this instant (ISO 8601).' }),
    to: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Only results created before this instant (ISO 8601).' }),
    limit: textInteger(1, 200).default(50).openapi({ description: 'Results per page (1-200), default 50.' }),
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

export const InferenceListSchema = z
  .object({
    items: z.array(InferenceResultSchema),
    page: z.object({
      limit: z.number().int(),
      next_cursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
    }),
  })
  .openapi('InferenceList');

export type InferenceListQuery = z.infer<typeof InferenceListQuerySchema>;
export type InferenceListView = z.infer<typeof InferenceListSchema>;
