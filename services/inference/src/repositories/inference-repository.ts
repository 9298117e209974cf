/**
 * Stored inferences and their detections. Functions take the database or a transaction first
 * (CONVENTIONS.md §10) so the services decide what runs in one transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Detection, Inference, NewDetection, NewInference } from '../db/database.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface InferenceWithDetections {
  inference: Inference;
  detections: Detection[];
}

/**
 * Inserts an inference and its detections (`inference_id` and `ordinal` are filled in here)
 * and returns the stored rows, so callers answer with exactly what was stored.
 */
export async function insertInference(
  db: Db,
  inference: NewInference,
  detections: Array<Omit<NewDetection, 'inference_id' | 'ordinal'>> = [],
): Promise<InferenceWithDetections> {
  const stored = await db.insertInto('inferences').values(inference).returningAll().executeTakeFirstOrThrow();
  const storedDetections =
    detections.length === 0
      ? []
      : await db
          .insertInto('detections')
          .values(detections.map((d, ordinal) => ({ ...d, inference_id: inference.id, ordinal })))
          .returningAll()
          .execute();
  return { inference: stored, detections: storedDetections.sort((a, b) => a.ordinal - b.ordinal) };
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
  return { inference, detections };
}

/** Several inferences with their detections, keyed by id (for a page of batch items). */
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
