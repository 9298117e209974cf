/**
 * Converts a validated batch body into the service's BatchInput. Multipart sends repeated
 * `image` (and optionally `reference`) files plus an optional `metadata` JSON array of
 * per-image traceability fields; shared fields apply to every image unless overridden.
 */
import { ChipqError } from '@chipq/core';
import { z } from '@hono/zod-openapi';
import { BatchFilenameSchema, type BatchForm, type BatchJson } from '../schemas/batch-schemas.js';
import { traceabilityJsonFields } from '../schemas/common-schemas.js';
import { TAG_LIMITS } from '../schemas/strict-fields.js';
import type { BatchInput } from '../services/batch-service.js';
import { type Traceability, traceabilityFromFields } from '../services/traceability.js';
import type { FieldError } from './problem-details.js';
import { base64Bytes, fileBytes } from './read-predict-input.js';
import { fieldErrors, invalidFields } from './validation-hook.js';

function invalid(field: string, message: string): ChipqError {
  return new ChipqError('INVALID_INPUT', `${field}: ${message}`, {
    details: { errors: [{ field, in: 'body', message, code: 'custom' }] },
  });
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** One `metadata` entry: the same fields, held to the same rules, as a JSON predict body's. */
const MetadataEntrySchema = z.object(traceabilityJsonFields);
type MetadataEntry = z.infer<typeof MetadataEntrySchema>;

/**
 * The `metadata` field: a JSON array with one entry per image, each checked like a predict body
 * before anything is queued, so a bad entry is a 400 naming `metadata.<index>.<field>`.
 */
function metadataEntries(text: string | undefined, count: number): MetadataEntry[] {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('metadata', 'expected a JSON array');
  }
  if (!Array.isArray(parsed)) throw invalid('metadata', 'expected a JSON array of objects');
  if (parsed.length !== count)
    throw invalid('metadata', `expected ${count} entries (one per image), got ${parsed.length}`);
  const errors: FieldError[] = [];
  const entries = parsed.map((entry, index) => {
    const result = MetadataEntrySchema.safeParse(entry);
    if (result.success) return result.data;
    errors.push(...fieldErrors('body', result.error.issues, ['metadata', index]));
    return {};
  });
  if (errors.length > 0) throw invalidFields(errors);
  return entries;
}

/** A multipart file name is stored with the item: printable text, as a JSON item's `filename`. */
function checkedFilename(file: File, index: number): string | undefined {
  if (file.name === '') return undefined;
  const result = BatchFilenameSchema.safeParse(file.name);
  if (!result.success)
    throw invalid(`image.${index}`, `file name ${result.error.issues[0]?.message ?? 'is invalid'}`);
  return result.data;
}

export async function batchInputFromForm(form: BatchForm): Promise<BatchInput> {
  const images = asList(form.image);
  const references = asList(form.reference);
  if (references.length > 0 && references.length !== images.length) {
    throw invalid(
      'reference',
      `expected ${images.length} references (one per image) or none, got ${references.length}`,
    );
  }
  const metadata = metadataEntries(form.metadata, images.length);
  const shared: Traceability = traceabilityFromFields(form);
  const items = [];
  for (const [index, image] of images.entries()) {
    const own = metadata[index] ?? {};
    const reference = references[index];
    items.push({
      image: await fileBytes(image),
      reference: reference === undefined ? undefined : await fileBytes(reference),
      filename: checkedFilename(image, index),
      traceability: {
        lotId: own.lot_id ?? shared.lotId,
        waferId: own.wafer_id ?? shared.waferId,
        dieX: own.die_x ?? shared.dieX,
        dieY: own.die_y ?? shared.dieY,
        stationId: own.station_id ?? shared.stationId,
        tags: mergedTags(shared.tags, own.tags, index),
      },
    });
  }
  return { model: form.model, version: form.version, confidenceThreshold: form.confidence_threshold, items };
}

export function batchInputFromJson(json: BatchJson): BatchInput {
  return {
    model: json.model,
    version: json.version,
    confidenceThreshold: json.confidence_threshold,
    items: json.items.map((item) => ({
      image: base64Bytes(item.image),
      reference: item.reference === undefined ? undefined : base64Bytes(item.reference),
      filename: item.filename,
      traceability: traceabilityFromFields(item),
    })),
  };
}

/** An image's own tags over the shared ones; the union is held to the same count limit. */
function mergedTags(
  shared: Record<string, string> | undefined,
  own: Record<string, string> | undefined,
  index: number,
): Record<string, string> {
  const tags = { ...shared, ...own };
  if (Object.keys(tags).length > TAG_LIMITS.count)
    throw invalid(`metadata.${index}.tags`, `at most ${TAG_LIMITS.count} tags with the shared ones`);
  return tags;
}
