/**
 * Traceability fields a station sends with an image (lot, wafer, die, station, free-form tags),
 * and the parser for `tags` as either a JSON object or repeated `key=value` strings.
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
