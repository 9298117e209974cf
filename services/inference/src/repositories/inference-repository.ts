/**
 * Stored inferences and their detections. Functions take the database or a transaction first
 * (CONVENTIONS.md §10) so the services decide what runs in one transaction.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, Detection, Inference, NewDetection, NewInference } from '../db/database.js';
import { findCurrentReviews, type StoredReview } from './review-repository.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface InferenceWithDetections {
  inference: Inference;
  detections: Detection[];
  /** The current human review, read by `findInference` (a fresh insert has none). */
  review?: StoredReview | undefined;
}

/**
 * Inserts an inference and its detections (`inference_id` and `ordinal` are filled in here)
 * and returns the stored rows, so callers answer with exactly what was stored. One statement
 * (data-modifying CTEs): atomic without a transaction and one round trip, which matters on
 * PGlite's single connection where every round trip holds up every other request.
 */
export async function insertInference(
  db: Db,
  inference: NewInference,
  detections: Array<Omit<NewDetection, 'inference_id' | 'ordinal'>> = [],
): Promise<InferenceWithDetections> {
  const insertInference = db.insertInto('inferences').values(inference).returningAll();
  const insertDetections =
    detections.length === 0
      ? undefined
      : db
          .insertInto('detections')
          .values(detections.map((d, ordinal) => ({ ...d, inference_id: inference.id, ordinal })))
          .returningAll();
  const { rows } = await sql<{ inference: Inference; detections: Detection[] }>`
    with i as (${insertInference})${insertDetections === undefined ? sql`` : sql`, d as (${insertDetections})`}
    select
      (select to_jsonb(i) from i) as inference,
      ${insertDetections === undefined ? sql`'[]'::jsonb` : sql`(select jsonb_agg(d order by d.ordinal) from d)`} as detections`.execute(
    db,
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`inference ${inference.id} was not stored`);
  // JSON carries timestamps as text: give callers the Dates a select would.
  return {
    inference: { ...row.inference, created_at: new Date(row.inference.created_at) },
    detections: row.detections.map((d) => ({ ...d, id: String(d.id), created_at: new Date(d.created_at) })),
  };
}

export async function findInference(db: Db, id: string): Promise<InferenceWithDetections | undefined> {
  const inference = await db.selectFrom('inferences').selectAll().where('id', '=', id).executeTakeFirst();
  if (inference === undefined) return undefined;
  const detections = await db
    .selectFrom('detections')
    .selectAll()
    .where('inference_id', '=', id)
    .orderBy('ordinal')
    .execute();
  const review = (await findCurrentReviews(db, [id])).get(id);
  return { inference, detections, review };
}

/** Several inferences with their detections, keyed by id (for a page of batch items). */
/** True when a stored inference has this id (its row only; detections are not read). */
export async function inferenceExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('inferences').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export async function findInferences(db: Db, ids: string[]): Promise<Map<string, InferenceWithDetections>> {
  const found = new Map<string, InferenceWithDetections>();
  if (ids.length === 0) return found;
  const rows = await db.selectFrom('inferences').selectAll().where('id', 'in', ids).execute();
  for (const inference of rows) found.set(inference.id, { inference, detections: [] });
  const detections = await db
    .selectFrom('detections')
    .selectAll()
    .where('inference_id', 'in', ids)
    .orderBy('inference_id')
    .orderBy('ordinal')
    .execute();
  for (const detection of detections) found.get(detection.inference_id)?.detections.push(detection);
  return found;
}
