/** GET /reviews/queue: filters in, a page of results to review (with why each is there) out. */
import { ChipqError } from '@chipq/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findInferences } from '../repositories/inference-repository.js';
import { listReviewQueue, type ReviewQueueKey } from '../repositories/review-queue-repository.js';
import { findCurrentReviews } from '../repositories/review-repository.js';
import type { ReviewQueueQuery, ReviewQueueView } from '../schemas/review-queue-schemas.js';
import { toInferenceView } from './inference-view.js';

function encodeCursor(key: ReviewQueueKey): string {
  return Buffer.from(`${key.tier}|${key.createdAt}|${key.id}`, 'utf8').toString('base64url');
}

/** Throws INVALID_INPUT for anything `encodeCursor` did not make. */
function decodeCursor(cursor: string): ReviewQueueKey {
  const [tier, createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const valid =
    extra === undefined &&
    (tier === '0' || tier === '1') &&
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
  return { tier: Number(tier) as 0 | 1, createdAt, id } as ReviewQueueKey;
}

export function createReviewQueueService(db: Kysely<Database>) {
  async function queue(query: ReviewQueueQuery): Promise<ReviewQueueView> {
    // One row more than asked tells whether another page exists without a count.
    const rows = await listReviewQueue(
      db,
      {
        model: query.model,
        version: query.version,
        lotId: query.lot_id,
        waferId: query.wafer_id,
        stationId: query.station_id,
        verdict: query.verdict,
        experimentId: query.experiment_id,
        experimentArm: query.experiment_arm,
        sampleRate: query.sample_rate,
        includeReviewed: query.include_reviewed === 'true',
      },
      { limit: query.limit + 1, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) },
    );
    const page = rows.slice(0, query.limit);
    const ids = page.map((row) => row.id);
    const [detections, reviews] = await Promise.all([
      findInferences(
        db,
        page.filter((row) => row.detection_count > 0).map((row) => row.id),
      ),
      query.include_reviewed === 'true' ? findCurrentReviews(db, ids) : new Map(),
    ]);
    const last = page.at(-1);
    return {
      items: page.map(({ key_created_at: _, tier, ...row }) => ({
        reason: tier === 0 ? ('review_verdict' as const) : ('sample' as const),
        result: toInferenceView(row, detections.get(row.id)?.detections ?? [], reviews.get(row.id)),
      })),
      page: {
        limit: query.limit,
        next_cursor:
          rows.length > query.limit && last !== undefined
            ? encodeCursor({ tier: last.tier, createdAt: last.key_created_at, id: last.id })
            : null,
      },
    };
  }
  return { queue };
}

export type ReviewQueueService = ReturnType<typeof createReviewQueueService>;
