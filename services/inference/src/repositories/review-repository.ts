/**
 * Stored reviews (issue 11 item 4): one row per revision, one row per judged or missed defect.
 * Functions take the database or a transaction first (CONVENTIONS.md §10).
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database, InferenceReview, ReviewDefect, ReviewOutcome } from '../db/database.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredReview {
  review: InferenceReview;
  /** In the order sent: judged detections first (by index), then missed defects. */
  defects: ReviewDefect[];
}

/** Marks the current review of a result superseded and returns its revision (0 when none). */
export async function supersedeCurrentReview(trx: Db, inferenceId: string): Promise<number> {
  const previous = await trx
    .updateTable('inference_reviews')
    .set({ superseded_at: new Date() })
    .where('inference_id', '=', inferenceId)
    .where('superseded_at', 'is', null)
    .returning('revision')
    .executeTakeFirst();
  return previous?.revision ?? 0;
}

/** Inserts a review and its defects (`review_id` and `position` are filled in here). */
export async function insertReview(
  trx: Db,
  review: Insertable<Database['inference_reviews']>,
  defects: Array<Omit<ReviewDefect, 'review_id' | 'position'>>,
): Promise<StoredReview> {
  const stored = await trx
    .insertInto('inference_reviews')
    .values(review)
    .returningAll()
    .executeTakeFirstOrThrow();
  const rows =
    defects.length === 0
      ? []
      : await trx
          .insertInto('review_defects')
          .values(defects.map((d, position) => ({ ...d, review_id: review.id, position })))
          .returningAll()
          .execute();
  return { review: stored, defects: rows.sort((a, b) => a.position - b.position) };
}

/**
 * Writes each judged detection's outcome into `detections.review_status` (the platform's own
 * column, read by its other services); detections the review does not name are reset.
 */
export async function markDetections(
  trx: Db,
  inferenceId: string,
  outcomes: Array<{ ordinal: number; outcome: ReviewOutcome }>,
): Promise<void> {
  await trx
    .updateTable('detections')
    .set({ review_status: null })
    .where('inference_id', '=', inferenceId)
    .execute();
  for (const outcome of ['true_defect', 'false_alarm'] as const) {
    const ordinals = outcomes.filter((o) => o.outcome === outcome).map((o) => o.ordinal);
    if (ordinals.length === 0) continue;
    await trx
      .updateTable('detections')
      .set({ review_status: outcome })
      .where('inference_id', '=', inferenceId)
      .where('ordinal', 'in', ordinals)
      .execute();
  }
}

async function withDefects(db: Db, reviews: InferenceReview[]): Promise<StoredReview[]> {
  if (reviews.length === 0) return [];
  const defects = await db
    .selectFrom('review_defects')
    .selectAll()
    .where(
      'review_id',
      'in',
      reviews.map((r) => r.id),
    )
    .orderBy('review_id')
    .orderBy('position')
    .execute();
  const byReview = new Map<string, ReviewDefect[]>(reviews.map((r) => [r.id, []]));
  for (const defect of defects) byReview.get(defect.review_id)?.push(defect);
  return reviews.map((review) => ({ review, defects: byReview.get(review.id) ?? [] }));
}

/** The current review of each of `inferenceIds` that has one, keyed by inference id. */
export async function findCurrentReviews(db: Db, inferenceIds: string[]): Promise<Map<string, StoredReview>> {
  if (inferenceIds.length === 0) return new Map();
  const reviews = await db
    .selectFrom('inference_reviews')
    .selectAll()
    .where('inference_id', 'in', inferenceIds)
    .where('superseded_at', 'is', null)
    .execute();
  return new Map((await withDefects(db, reviews)).map((stored) => [stored.review.inference_id, stored]));
}

/** Every revision of a result's review, newest first. */
export async function findReviewHistory(db: Db, inferenceId: string): Promise<StoredReview[]> {
  const reviews = await db
    .selectFrom('inference_reviews')
    .selectAll()
    .where('inference_id', '=', inferenceId)
    .orderBy('revision', 'desc')
    .execute();
  return withDefects(db, reviews);
}
