/**
 * Converts a validated batch body into the service's BatchInput. Multipart sends repeated
 * `image` (and optionally `reference`) files plus an optional `metadata` JSON array of
 * per-image traceability fields; shared fields apply to every image unless overridden.
 */
import { ChipqError } from '@chipq/core';
import type { BatchForm, BatchJson } from '../schemas/batch-schemas.js';
import type { BatchInput } from '../services/batch-service.js';
import { parseTags, type Traceability, traceabilityFromFields } from '../services/traceability.js';
import { base64Bytes, fileBytes } from './read-predict-input.js';

function invalid(field: string, message: string): ChipqError {
  return new ChipqError('INVALID_INPUT', `${field}: ${message}`, {
    details: { errors: [{ field, in: 'body', message, code: 'custom' }] },
  });
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

const integerOrUndefined = (value: unknown, field: string): number | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(field, 'expected an integer');
  return value;
};

const stringOrUndefined = (value: unknown, field: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'expected a string');
  return value;
};

function metadataEntries(text: string | undefined, count: number): Array<Record<string, unknown>> {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('metadata', 'expected a JSON array');
  }
  if (!Array.isArray(parsed) || parsed.some((e) => e === null || typeof e !== 'object' || Array.isArray(e))) {
    throw invalid('metadata', 'expected a JSON array of objects');
  }
  if (parsed.length !== count)
    throw invalid('metadata', `expected ${count} entries (one per image), got ${parsed.length}`);
  return parsed as Array<Record<string, unknown>>;
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
      filename: image.name || undefined,
      traceability: {
        lotId: stringOrUndefined(own.lot_id, `metadata.${index}.lot_id`) ?? shared.lotId,
        waferId: stringOrUndefined(own.wafer_id, `metadata.${index}.wafer_id`) ?? shared.waferId,
        dieX: integerOrUndefined(own.die_x, `metadata.${index}.die_x`) ?? shared.dieX,
        dieY: integerOrUndefined(own.die_y, `metadata.${index}.die_y`) ?? shared.dieY,
        stationId: stringOrUndefined(own.station_id, `metadata.${index}.station_id`) ?? shared.stationId,
        tags: { ...shared.tags, ...parseTags(own.tags as Record<string, unknown> | undefined) },
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
