/** Schemas of POST /inference/batch, the batch view of GET /inference/{id}, and cancel. */
import { z } from '@hono/zod-openapi';
import {
  base64Image,
  confidenceThreshold,
  confidenceThresholdField,
  modelName,
  modelVersion,
  traceabilityFormFields,
  traceabilityJsonFields,
  uploadedFile,
} from './common-schemas.js';
import { InferenceResultSchema, jobStatuses } from './inference-schemas.js';
import { printableText, textInteger } from './strict-fields.js';

/** The longest `metadata` field: 10,000 entries of about 20 KiB each would be 200 MiB; 16 MiB is plenty. */
const BATCH_METADATA_MAX_LENGTH = 16 * 1024 * 1024;

/** A batch item's file name, stored with it. */
export const BatchFilenameSchema = printableText(512);

const BatchItemJsonSchema = z
  .object({
    image: base64Image,
    reference: base64Image.optional(),
    filename: BatchFilenameSchema.optional().openapi({ example: '00041000_test.jpg' }),
    ...traceabilityJsonFields,
  })
  .openapi('BatchItemJson');

export const BatchJsonSchema = z
  .object({
    model: modelName.optional(),
    version: modelVersion.optional(),
    confidence_threshold: confidenceThreshold.optional(),
    items: z.array(BatchItemJsonSchema).min(1).max(10_000),
  })
  .openapi('BatchJson');

export const BatchFormSchema = z
  .object({
    image: z.union([uploadedFile, z.array(uploadedFile).min(1)]).openapi({
      description: 'One file per item; repeat the field for every image.',
      type: 'array',
      items: { type: 'string', format: 'binary' },
      minItems: 1,
    }),
    reference: z
      .union([uploadedFile, z.array(uploadedFile)])
      .optional()
      .openapi({
        description: 'Optional: one reference per image, in the same order (all or none).',
        type: 'array',
        items: { type: 'string', format: 'binary' },
      }),
    model: modelName.optional(),
    version: modelVersion.optional(),
    confidence_threshold: confidenceThresholdField,
    metadata: z.string().max(BATCH_METADATA_MAX_LENGTH).optional().openapi({
      description:
        'Optional JSON array with one object of traceability fields per image (same order); overrides the shared fields.',
      example: '[{"die_x":1,"die_y":2},{"die_x":1,"die_y":3}]',
    }),
    ...traceabilityFormFields,
  })
  .openapi('BatchForm');

export const BatchAcceptedSchema = z
  .object({
    kind: z.literal('batch'),
    id: z.uuid(),
    status: z.enum(jobStatuses),
    item_count: z.number().int(),
    created_at: z.iso.datetime(),
    links: z.object({ self: z.string(), cancel: z.string() }),
  })
  .openapi('BatchAccepted');

const ProgressSchema = z
  .object({
    total: z.number().int(),
    queued: z.number().int(),
    processing: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    percent: z
      .number()
      .openapi({ description: 'Finished items (completed, failed or cancelled) as a percentage.' }),
  })
  .openapi('BatchProgress');

const BatchItemSchema = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    status: z.enum(jobStatuses),
    filename: z.string().nullable(),
    image_sha256: z.string(),
    attempts: z.number().int().openapi({
      description:
        'How many times a worker claimed the item (1 unless a replica died or shut down mid-item).',
    }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    // A union, not .nullable(): on a registered schema zod-openapi renders .nullable() as an
    // allOf that can never be null, and client generators follow the document literally.
    result: z.union([InferenceResultSchema, z.null()]),
  })
  .openapi('BatchItem');

export const BatchSchema = z
  .object({
    kind: z.literal('batch'),
    id: z.uuid(),
    status: z.enum(jobStatuses).openapi({
      description:
        'queued | processing | completed | failed | cancelled. The issue called the running state "running"; we use the platform\'s word, `processing`. ' +
        '`completed` when every item finished (some may have failed, see `progress.failed`); `failed` when every item failed; `cancelled` when a cancel stopped any item.',
    }),
    model: z.object({ name: z.string().nullable(), version: z.string().nullable() }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    finished_at: z.iso.datetime().nullable(),
    cancel_requested_at: z.iso.datetime().nullable(),
    progress: ProgressSchema,
    items: z.array(BatchItemSchema),
    page: z.object({
      limit: z.number().int(),
      next_cursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
    }),
  })
  .openapi('Batch');

export const JobQuerySchema = z.object({
  limit: textInteger(1, 500)
    .default(50)
    .openapi({ description: 'Batch items per page (1-500), default 50.' }),
  cursor: z
    .string()
    .regex(/^[0-9]{1,9}$/, 'expected a cursor returned as page.next_cursor')
    .optional()
    .openapi({ description: 'Opaque cursor from `page.next_cursor`.' }),
  status: z.enum(jobStatuses).optional().openapi({ description: 'Only batch items with this status.' }),
});

export const CancelResultSchema = z
  .object({
    id: z.uuid(),
    kind: z.literal('batch'),
    status: z.enum(jobStatuses),
    cancelled_items: z.number().int().openapi({ description: 'Queued items that will now never run.' }),
    aborted_in_flight: z
      .number()
      .int()
      .openapi({ description: 'Items that were being inferred (on any replica) and were aborted.' }),
    already_finished: z
      .number()
      .int()
      .openapi({ description: 'Items that had completed or failed before the cancel: nothing to stop.' }),
    already_cancelled: z
      .boolean()
      .openapi({ description: 'True when this batch had been cancelled before (cancel is idempotent).' }),
  })
  .openapi('CancelResult');

export type BatchView = z.infer<typeof BatchSchema>;
export type BatchJson = z.infer<typeof BatchJsonSchema>;
export type BatchForm = z.infer<typeof BatchFormSchema>;
