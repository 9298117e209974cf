/**
 * Traceability fields a station sends with an image (lot, wafer, die, station, free-form tags):
 * read from the API's snake_case fields, written to the tables' columns, and the parser for
 * `tags` as either a JSON object or repeated `key=value` strings.
 */
import { ChipqError } from '@chipq/core';

export interface Traceability {
  lotId?: string | undefined;
  waferId?: string | undefined;
  dieX?: number | undefined;
  dieY?: number | undefined;
  stationId?: string | undefined;
  tags?: Record<string, string> | undefined;
}

/** The API's traceability fields, as every request form (multipart, JSON, batch item) names them. */
export interface TraceabilityFields {
  lot_id?: string | undefined;
  wafer_id?: string | undefined;
  die_x?: number | undefined;
  die_y?: number | undefined;
  station_id?: string | undefined;
  tags?: Parameters<typeof parseTags>[0];
}

/** Traceability from the API's fields; tags parsed by `parseTags`. */
export function traceabilityFromFields(fields: TraceabilityFields): Traceability {
  return {
    lotId: fields.lot_id,
    waferId: fields.wafer_id,
    dieX: fields.die_x,
    dieY: fields.die_y,
    stationId: fields.station_id,
    tags: parseTags(fields.tags),
  };
}

/** The traceability columns shared by inference and batch-item rows (absent values as null). */
export function traceabilityColumns(t: Traceability) {
  return {
    lot_id: t.lotId ?? null,
    wafer_id: t.waferId ?? null,
    die_x: t.dieX ?? null,
    die_y: t.dieY ?? null,
    station_id: t.stationId ?? null,
    tags: JSON.stringify(t.tags ?? {}),
  };
}

/**
 * Parses tags given as a JSON object (`{"recipe":"r7"}`) or as `key=value` strings (one per
 * repeated form field, or comma-separated). Non-string JSON values are kept as their JSON text.
 * @throws ChipqError INVALID_INPUT naming the bad entry.
 */
export function parseTags(
  input: string | string[] | Record<string, unknown> | undefined,
): Record<string, string> {
  if (input === undefined) return {};
  if (!Array.isArray(input) && typeof input === 'object') return stringValues(input);
  const entries = Array.isArray(input) ? input : [input];
  const tags: Record<string, string> = {};
  for (const entry of entries) {
    const text = entry.trim();
    if (text === '') continue;
    if (text.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new ChipqError('INVALID_INPUT', `tags: not valid JSON: ${text}`, {
          cause: error,
          details: { field: 'tags' },
        });
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ChipqError('INVALID_INPUT', 'tags: expected a JSON object', { details: { field: 'tags' } });
      }
      Object.assign(tags, stringValues(parsed as Record<string, unknown>));
      continue;
    }
    for (const pair of text.split(',')) {
      const at = pair.indexOf('=');
      const key = at < 0 ? '' : pair.slice(0, at).trim();
      if (key === '') {
        throw new ChipqError(
          'INVALID_INPUT',
          `tags: expected key=value, got ${JSON.stringify(pair.trim())}`,
          {
            details: { field: 'tags' },
          },
        );
      }
      tags[key] = pair.slice(at + 1).trim();
    }
  }
  return tags;
}

function stringValues(object: Record<string, unknown>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(object))
    tags[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return tags;
}
