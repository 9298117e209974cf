/** Small schemas shared by several routes: ids, model names and versions, uploaded files. */
import { z } from '@hono/zod-openapi';

export const IdParamsSchema = z.object({
  id: z
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' }, example: '0f8c4e1a-3b7d-4c2e-9a51-6d0e2f7b8c90' }),
});

export const modelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'expected a model name: letters, digits, _ . - (up to 128)')
  .openapi({ example: 'pcb_defect_detector' });

export const modelVersion = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, 'expected a positive integer version such as "1"')
  .openapi({ example: '2' });

export const NameParamsSchema = z.object({
  name: modelName.openapi({ param: { name: 'name', in: 'path' } }),
});

/** An uploaded file in multipart/form-data (documented as binary). */
export const uploadedFile = z
  .instanceof(File, { message: 'expected a file upload' })
  .openapi({ type: 'string', format: 'binary' });

/** Base64 image bytes in a JSON body. */
export const base64Image = z.base64('expected base64-encoded bytes').min(1).openapi({
  description:
    'The image file bytes (PNG, JPEG, TIFF, WebP, ...), base64-encoded (RFC 4648, not a data: URL).',
  example: 'iVBORw0KGgo...',
});

export const confidenceThreshold = z.number().min(0).max(1).openapi({
  description: 'Override of MODEL_CONFIDENCE_THRESHOLD for this request (default 0.75).',
  example: 0.75,
});

/** Traceability fields as JSON body members. */
export const traceabilityJsonFields = {
  lot_id: z.string().min(1).max(128).optional().openapi({ example: 'LOT-2026-0042' }),
  wafer_id: z.string().min(1).max(128).optional().openapi({ example: 'W07' }),
  die_x: z.number().int().optional().openapi({ example: 12 }),
  die_y: z.number().int().optional().openapi({ example: 5 }),
  station_id: z.string().min(1).max(128).optional().openapi({ example: 'AOI-3' }),
  tags: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .openapi({
      description: 'Free-form labels; non-string values are stored as their JSON text.',
      example: { recipe: 'r7' },
    }),
};

/** Traceability fields as multipart form fields (text, so numbers are coerced). */
export const traceabilityFormFields = {
  lot_id: z.string().min(1).max(128).optional(),
  wafer_id: z.string().min(1).max(128).optional(),
  // Form fields are text; documented as the integers they must spell.
  die_x: z.coerce.number().int().optional().openapi({ type: 'integer', example: 12 }),
  die_y: z.coerce.number().int().optional().openapi({ type: 'integer', example: 5 }),
  station_id: z.string().min(1).max(128).optional(),
  tags: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({
      description: 'A JSON object (`{"recipe":"r7"}`) or `key=value`, repeatable.',
      example: 'recipe=r7',
    }),
};

/** confidence_threshold as a form field (text coerced to a number). */
export const confidenceThresholdField = z.coerce.number().min(0).max(1).optional().openapi({
  type: 'number',
  description: 'Override of MODEL_CONFIDENCE_THRESHOLD for this request (default 0.75).',
  example: 0.75,
});
