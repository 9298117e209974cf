/**
 * POST /inference/{id}/review behind the route: checks an operator's review against the stored
 * result (every detection judged exactly once, missed boxes inside the image), then stores it
 * as the result's next revision in one transaction. A re-review supersedes the current one
 * (kept in the history); two reviews racing for the same result cannot both become current.
 */
import { randomUUID } from 'node:crypto';
import { ChipqError } from '@chipq/core';
import type { Kysely } from 'kysely';
import type { Database, ReviewDefect } from '../db/database.js';
import { findInference } from '../repositories/inference-repository.js';
import {
  findReviewHistory,
  insertReview,
  markDetections,
  supersedeCurrentReview,
} from '../repositories/review-repository.js';
import type { ReviewHistoryView, ReviewInput, ReviewView } from '../schemas/review-schemas.js';
import { toReviewView } from './review-view.js';

export interface ReviewContext {
  apiKeyId?: string | undefined;
  requestId?: string | undefined;
}

interface FieldError {
  field: string;
  message: string;
}

function invalid(message: string, errors: FieldError[]): ChipqError {
  return new ChipqError('INVALID_INPUT', message, {
    details: { errors: errors.map((e) => ({ ...e, in: 'body', code: 'custom' })) },
  });
}

/** Every detection judged exactly once, by index; the first problems found, by field. */
function checkJudgements(input: ReviewInput, detections: number): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<number>();
  input.defects.forEach((d, i) => {
    if (d.index >= detections)
      errors.push({ field: `defects.${i}.index`, message: `the result has ${detections} detection(s)` });
    else if (seen.has(d.index))
      errors.push({ field: `defects.${i}.index`, message: `detection ${d.index} is judged twice` });
    seen.add(d.index);
  });
  const unjudged = Array.from({ length: detections }, (_, i) => i).filter((i) => !seen.has(i));
  if (unjudged.length > 0)
    errors.push({ field: 'defects', message: `detection(s) ${unjudged.join(', ')} not judged` });
  return errors;
}

function checkMissedBoxes(input: ReviewInput, width: number | null, height: number | null): FieldError[] {
  if (width === null || height === null) return [];
  return (input.missed ?? []).flatMap((m, i) =>
    m.box.x2 > width || m.box.y2 > height
      ? [{ field: `missed.${i}.box`, message: `outside the ${width}x${height} image` }]
      : [],
  );
}

const uniqueViolation = (error: unknown) => (error as { code?: string } | undefined)?.code === '23505';

export function createReviewService(db: Kysely<Database>) {
  /**
   * Stores a review of result `id` and returns it.
   * @throws ChipqError NOT_FOUND (no such result), CONFLICT (not a completed result, or another
   *   review of it was stored at the same moment), INVALID_INPUT (judgements or boxes off)
   */
  async function submit(id: string, input: ReviewInput, context: ReviewContext = {}): Promise<ReviewView> {
    const found = await findInference(db, id);
    if (found === undefined)
      throw new ChipqError('NOT_FOUND', `no result with id ${id}`, { details: { id } });
    const { inference, detections } = found;
    if (inference.status !== 'completed')
      throw new ChipqError(
        'CONFLICT',
        `result ${id} is ${inference.status}: only completed results are reviewed`,
        {
          details: { id, status: inference.status },
        },
      );
    const errors = [
      ...checkJudgements(input, detections.length),
      ...checkMissedBoxes(input, inference.image_width, inference.image_height),
    ];
    if (errors.length > 0) throw invalid(`the review of ${id} does not fit the result`, errors);

    const judged = [...input.defects].sort((a, b) => a.index - b.index);
    const missed = input.missed ?? [];
    const rows: Array<Omit<ReviewDefect, 'review_id' | 'position'>> = [
      ...judged.map((j) => {
        const d = detections[j.index] as (typeof detections)[number];
        return {
          outcome: j.outcome,
          detection_ordinal: d.ordinal,
          defect_type: d.defect_type,
          x: d.x,
          y: d.y,
          width: d.width,
          height: d.height,
        };
      }),
      ...missed.map((m) => ({
        outcome: 'missed' as const,
        detection_ordinal: null,
        defect_type: m.defect_type,
        x: m.box.x1,
        y: m.box.y1,
        width: m.box.x2 - m.box.x1,
        height: m.box.y2 - m.box.y1,
      })),
    ];
    const count = (outcome: string) => input.defects.filter((d) => d.outcome === outcome).length;
    try {
      const stored = await db.transaction().execute(async (trx) => {
        const previous = await supersedeCurrentReview(trx, id);
        const review = await insertReview(
          trx,
          {
            id: randomUUID(),
            inference_id: id,
            revision: previous + 1,
            verdict: input.verdict,
            true_defects: count('true_defect'),
            false_alarms: count('false_alarm'),
            missed: missed.length,
            reviewer: input.reviewer ?? null,
            comment: input.comment ?? null,
            api_key_id: context.apiKeyId ?? null,
            request_id: context.requestId ?? null,
          },
          rows,
        );
        await markDetections(
          trx,
          id,
          judged.map((j) => ({
            ordinal: (detections[j.index] as (typeof detections)[number]).ordinal,
            outcome: j.outcome,
          })),
        );
        return review;
      });
      return toReviewView(stored, inference.verdict_status);
    } catch (error) {
      if (uniqueViolation(error))
        throw new ChipqError(
          'CONFLICT',
          `result ${id} was reviewed by someone else at the same moment; reload and review again`,
          {
            cause: error,
            details: { id },
          },
        );
      throw error;
    }
  }

  /** Every revision of a result's review, newest first. @throws ChipqError NOT_FOUND */
  async function history(id: string): Promise<ReviewHistoryView> {
    const inference = await db
      .selectFrom('inferences')
      .select(['id', 'verdict_status'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (inference === undefined)
      throw new ChipqError('NOT_FOUND', `no result with id ${id}`, { details: { id } });
    const reviews = await findReviewHistory(db, id);
    return {
      inference_id: id,
      reviews: reviews.map((stored) => ({
        ...toReviewView(stored, inference.verdict_status),
        superseded_at:
          stored.review.superseded_at === null ? null : new Date(stored.review.superseded_at).toISOString(),
      })),
    };
  }

  return { submit, history };
}

export type ReviewService = ReturnType<typeof createReviewService>;
