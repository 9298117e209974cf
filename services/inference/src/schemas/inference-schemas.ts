/**
 * OpenAPI schemas of stored inference results, as returned by predict, by GET /inference/{id}
 * and inside batch items. Field names and vocabularies follow the platform's database
 * (PLATFORM-CONTRACTS.md); differences are stated in the descriptions.
 */
import { z } from '@hono/zod-openapi';
import { ReviewSchema } from './review-schemas.js';

export const jobStatuses = ['queued', 'processing', 'completed', 'failed', 'cancelled', 'timeout'] as const;

const DetectionSchema = z
  .object({
    class_id: z.number().int().openapi({ example: 1 }),
    defect_type: z
      .string()
      .openapi({ description: "The model's class name (the platform's `defect_type`).", example: 'short' }),
    confidence: z.number().min(0).max(1).openapi({ example: 0.93 }),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    box: z.object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() }).openapi({
      description: 'Corners in the original image pixels.',
      example: { x1: 120, y1: 88, x2: 141, y2: 102 },
    }),
    location: z
      .object({
        x: z.number().min(0),
        y: z.number().min(0),
        width: z.number().positive(),
        height: z.number().positive(),
      })
      .openapi({
        description: "The platform's defect location: top-left corner and size in original pixels.",
        example: { x: 120, y: 88, width: 21, height: 14 },
      }),
    detection_method: z
      .enum(['ml_automated', 'manual_review', 'hybrid', 'rule_based'])
      .openapi({ example: 'ml_automated' }),
  })
  .openapi('Detection');

const VerdictSchema = z
  .object({
    status: z.enum(['PASS', 'FAIL', 'REVIEW']),
    rule: z.string().openapi({ description: 'The rule that decided the verdict.', example: 'killer-class' }),
    reason: z.string().openapi({ example: 'short at 0.93 is a killer class' }),
    score: z.number().openapi({
      description: "Quality score on the platform's 0-1 scale (passes at >= 0.75 with no critical defect).",
      example: 0.2,
    }),
  })
  .openapi('Verdict');

const TimingsSchema = z
  .object({
    decode_ms: z.number(),
    preprocess_ms: z.number(),
    queue_ms: z.number().nullable().openapi({
      description: 'Waiting for a batch or an instance; null on Triton, which reports no per-request split.',
    }),
    infer_ms: z.number().openapi({
      description: 'Running the model; on Triton the whole round trip (its queue, compute and the network).',
    }),
    postprocess_ms: z.number(),
    total_ms: z.number().openapi({ description: 'Inspection time as core measured it (decode to verdict).' }),
    service_ms: z
      .number()
      .nullable()
      .openapi({ description: 'Wall time in the service for this image, including storing the result.' }),
  })
  .openapi('Timings');

const TraceabilitySchema = z
  .object({
    lot_id: z.string().nullable(),
    wafer_id: z.string().nullable(),
    die_x: z.number().int().nullable(),
    die_y: z.number().int().nullable(),
    station_id: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
  })
  .openapi('Traceability');

export const InferenceResultSchema = z
  .object({
    kind: z.literal('result'),
    id: z.uuid(),
    status: z
      .enum(jobStatuses)
      .openapi({ description: 'completed, or failed / timeout / cancelled with `error` set.' }),
    created_at: z.iso.datetime(),
    batch_id: z.uuid().nullable(),
    model: z.object({ name: z.string().nullable(), version: z.string().nullable() }),
    image: z.object({
      sha256: z.string().openapi({
        description: 'SHA-256 of the image bytes (the bytes themselves are not stored in the database).',
      }),
      bytes: z.number().int(),
      width: z.number().int().nullable(),
      height: z.number().int().nullable(),
      format: z.string().nullable(),
    }),
    reference: z.object({ sha256: z.string() }).nullable(),
    traceability: TraceabilitySchema,
    detections: z.array(DetectionSchema),
    verdict: VerdictSchema.nullable(),
    timings: TimingsSchema.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    experiment: z.object({ id: z.uuid(), arm: z.string() }).nullable().openapi({
      description:
        'The experiment and arm that served this result (GET /experiments/{id}); null when the default version or a named version served it.',
    }),
    // A union, not .nullable(): .nullable() on a named schema would make the Review component itself nullable.
    review: z.union([ReviewSchema, z.null()]).openapi({
      description:
        'The current human review (POST /inference/{id}/review), null until reviewed. Earlier revisions: GET /inference/{id}/reviews.',
    }),
  })
  .openapi('InferenceResult');

export type InferenceResultView = z.infer<typeof InferenceResultSchema>;
