/** GET /inference: filters in, a page of InferenceResult views and the next cursor out. */
import { ChipqError } from '@chipq/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { type InferenceKey, listInferences } from '../repositories/inference-list-repository.js';
import { findInferences } from '../repositories/inference-repository.js';
import { findCurrentReviews } from '../repositories/review-repository.js';
import type { InferenceListQuery, InferenceListView } from '../schemas/inference-list-schemas.js';
import { toInferenceView } from './inference-view.js';

function encodeCursor(key: InferenceKey): string {
  return Buffer.from(`${key.createdAt}|${key.id}`, 'utf8').toString('base64url');
}

/** Throws INVALID_INPUT for anything `encodeCursor` did not make. */
function decodeCursor(cursor: string): InferenceKey {
  const [createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const valid =
    extra === undefined &&
    createdAt !== undefined &&
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(createdAt) &&
    id !== undefined &&
    /^[0-9a-f-]{36}$/.test(id);
  if (!valid) {
    throw new ChipqError('INVALID_INPUT', 'cursor is not one returned as page.next_cursor', {
      details: {
        errors: [{ field: 'cursor', in: 'query', message: 'unknown cursor', code: 'invalid_string' }],
      },
    });
  }
  return { createdAt, id } as InferenceKey;
}

export function createInferenceListService(db: Kysely<Database>) {
  async function list(query: InferenceListQuery): Promise<InferenceListView> {
    // One row more than asked tells whether another page exists without a count.
    const rows = await listInferences(
      db,
      {
        lotId: query.lot_id,
        waferId: query.wafer_id,
        stationId: query.station_id,
        batchId: query.batch_id,
        verdict: query.verdict,
        status: query.status,
        model: query.model,
        version: query.version,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
      },
      { limit: query.limit + 1, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) },
    );
    const page = rows.slice(0, query.limit);
    const [detections, reviews] = await Promise.all([
      findInferences(
        db,
        page.filter((row) => row.detection_count > 0).map((row) => row.id),
      ),
      findCurrentReviews(
        db,
        page.map((row) => row.id),
      ),
    ]);
    const last = page.at(-1);
    return {
      items: page.map(({ key_created_at: _, ...row }) =>
        toInferenceView(row, detections.get(row.id)?.detections ?? [], reviews.get(row.id)),
      ),
      page: {
        limit: query.limit,
        next_cursor:
          rows.length > query.limit && last !== undefined
            ? encodeCursor({ createdAt: last.key_created_at, id: last.id })
            : null,
      },
    };
  }
  return { list };
}

export type InferenceListService = ReturnType<typeof createInferenceListService>;
