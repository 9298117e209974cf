/** Small schemas shared by several routes: ids, model names and versions, uploaded files. */
import { z } from '@hono/zod-openapi';
import { parseTags } from '../services/traceability.js';
import {
  int4,
  jsonTags,
  printableText,
  storedTags,
  TAG_LIMITS,
  textInteger,
  textNumber,
} from './strict-fields.js';

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
  .regex(/^[1-9][0-9]{0,8}$/, 'expected a positive integer version such as "1"')
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
  // What z.base64() accepts, spelled out so that generators (schemathesis) send base64 too.
  pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
  // A whole (8x8 black) PNG: an example must itself be valid base64, not a truncated one.
  example:
    'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAADElEQVR42mNgGB4AAADIAAGTvaWOAAAAAElFTkSuQmCC',
});

export const confidenceThreshold = z.number().min(0).max(1).openapi({
  description: 'Override of MODEL_CONFIDENCE_THRESHOLD for this request (default 0.75).',
  example: 0.75,
});

const identifier = (example: string) => printableText(128).optional().openapi({ example });

/** Traceability fields as JSON body members (predict, batch items, batch `metadata` entries). */
export const traceabilityJsonFields = {
  lot_id: identifier('LOT-2026-0042'),
  wafer_id: identifier('W07'),
  die_x: int4().optional().openapi({ example: 12 }),
  die_y: int4().optional().openapi({ example: 5 }),
  station_id: identifier('AOI-3'),
  tags: jsonTags.optional().openapi({
    description: `Free-form labels, at most ${TAG_LIMITS.count}: keys up to ${TAG_LIMITS.keyLength} characters, values up to ${TAG_LIMITS.valueLength}, no control characters; numbers and booleans are stored as their JSON text.`,
    example: { recipe: 'r7' },
  }),
};

/** The longest `tags` form field: every tag at its longest, as `key=value,`. */
const tagsFieldMaxLength = TAG_LIMITS.count * (TAG_LIMITS.keyLength + TAG_LIMITS.valueLength + 2);

/** One `key=value`: a key of 1-64 printable characters (not starting with a space or `{`), a value of 0-256. */
const tagPairPattern = `^[^\\x00-\\x20\\x7F-\\x9F=,{][^\\x00-\\x1F\\x7F-\\x9F=,]{0,${TAG_LIMITS.keyLength - 1}}=[^\\x00-\\x1F\\x7F-\\x9F,]{0,${TAG_LIMITS.valueLength}}$`;

/** Tags as form fields: JSON objects or `key=value` lists, parsed, then held to the JSON tags' limits. */
const formTags = z
  .union([
    z.string().max(tagsFieldMaxLength),
    z.array(z.string().max(tagsFieldMaxLength)).max(TAG_LIMITS.count),
  ])
  .transform((input, context) => {
    try {
      return parseTags(input);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  })
  .pipe(storedTags);

/** Traceability fields as multipart form fields: text, read strictly (see strict-fields.ts). */
export const traceabilityFormFields = {
  lot_id: identifier('LOT-2026-0042'),
  wafer_id: identifier('W07'),
  die_x: textInteger().optional().openapi({ example: 12 }),
  die_y: textInteger().optional().openapi({ example: 5 }),
  station_id: identifier('AOI-3'),
  tags: formTags.optional().openapi({
    type: 'array',
    // The pattern documents the plainest spelling, one `key=value` per field (what generators
    // should send); comma-separated pairs and a JSON object are accepted too, as described.
    items: {
      type: 'string',
      pattern: tagPairPattern,
      maxLength: TAG_LIMITS.keyLength + 1 + TAG_LIMITS.valueLength,
    },
    maxItems: TAG_LIMITS.count,
    description:
      `A JSON object (\`{"recipe":"r7"}\`) or \`key=value\` (comma-separated, or the field repeated). At most ${TAG_LIMITS.count} tags, ` +
      `keys up to ${TAG_LIMITS.keyLength} characters, values up to ${TAG_LIMITS.valueLength}, no control characters.`,
    example: ['recipe=r7'],
  }),
};

/** confidence_threshold as a form field: a number as JSON spells it, 0-1. */
export const confidenceThresholdField = textNumber(0, 1).optional().openapi({
  description: 'Override of MODEL_CONFIDENCE_THRESHOLD for this request (default 0.75).',
  example: 0.75,
});
